/**
 * Signs out as soon as it is loaded: the header's "Sign out" button loads it on demand (it carries
 * the offline queue, which the header script should not make every page download).
 */
import { signOut } from './sign-out.ts';

void signOut(document.documentElement.lang === 'en' ? 'en' : 'uk');
