/** Signing out on this device: used by "My learning" and the sign-in page. */
import { clearDevice, sync } from './progress-queue.ts';
import { setSignedIn } from './session-hint.ts';

/**
 * Send what is still queued first (anything that cannot be sent now stays on the device, marked as
 * this person's, and is sent the next time they sign in here, never under someone else's session),
 * end the session, clear this person's data from the device, then go home.
 */
export async function signOut(locale: string): Promise<void> {
  await Promise.race([sync().catch(() => undefined), new Promise((r) => setTimeout(r, 3000))]);
  await fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' }).catch(() => {});
  await clearDevice().catch(() => 0);
  setSignedIn(false);
  if ('caches' in window) await caches.delete('oberih-personal').catch(() => false);
  location.assign(`/${locale}/`);
}
