/**
 * Loads the progress tracker only for readers signed in on this device: anonymous readers (who
 * record nothing) download no tracking code, and the plain form still works for everyone.
 */
import { isSignedIn } from './session-hint.ts';

const root = document.querySelector<HTMLElement>('[data-module-page]');
if (root && isSignedIn()) void import('./module-progress.ts');
else if (root) root.querySelector<HTMLElement>('[data-signin-hint]')!.hidden = false;
