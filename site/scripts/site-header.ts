/**
 * The header shows who is signed in: name and role, their workspace when their role has one (the
 * programme overview for coordinators and admins), and
 * "Sign out" instead of "Sign in". Every page is the same static HTML for everyone, so this runs in
 * the browser: a classic script placed right after the header's menu (see Base.astro), so it runs
 * before the page below it is laid out and nothing shifts (CLS). Name and role come from the device
 * (site/scripts/session-hint.ts), remembered at sign-in; the server confirms them now and then, and a
 * 401 puts the header back to "Sign in". Without JavaScript, or signed out, the header stays as built.
 */
import { setSignedIn, setSignedInWho, signedInUser, signedInWho, type Who } from './session-hint.ts';

/** How long a remembered name and role are shown before the server is asked again. */
const RECHECK_MS = 5 * 60_000;
/** Roles that have the instructor's workspace, and the one that also has the admin's. */
const STAFF = new Set(['instructor', 'admin']);

const header = document.querySelector<HTMLElement>('header.site');

function show(who: Who | null) {
  if (!header) return;
  const roles = JSON.parse(header.dataset.roles ?? '{}') as Record<string, string>;
  const each = (selector: string, visible: boolean) =>
    header.querySelectorAll<HTMLElement>(selector).forEach((el) => (el.hidden = !visible));
  each('[data-header-sign-in]', !who);
  each('[data-header-account]', !!who);
  each('[data-header-staff]', !!who && STAFF.has(who.role));
  each('[data-header-admin]', who?.role === 'admin');
  each('[data-header-programme]', who?.role === 'coordinator' || who?.role === 'admin');
  if (who)
    header.querySelectorAll('[data-header-who]').forEach((el) => {
      el.textContent = `${who.name} (${roles[who.role] ?? who.role})`;
    });
}

if (header) {
  const who = signedInWho();
  show(who);
  header.addEventListener('click', (e) => {
    const button = (e.target as Element).closest<HTMLButtonElement>('[data-header-sign-out]');
    if (!button) return;
    button.disabled = true;
    import(/* @vite-ignore */ header.dataset.signOutSrc!).catch(() => (button.disabled = false));
  });
  // The bell: unread notifications (consultations, sessions), asked once per page while signed in.
  const count = header.querySelector<HTMLElement>('[data-bell-count]');
  if (who && count)
    fetch('/api/notifications', { credentials: 'same-origin' })
      .then(async (r) => {
        const n = r.ok ? ((await r.json()) as { unread: number }).unread : 0;
        count.textContent = n ? ` ${n}` : '';
        count.hidden = !n;
      })
      .catch(() => {
        /* offline: no count */
      });
  if (signedInUser() && (!who || Date.now() - who.checked > RECHECK_MS)) {
    fetch('/api/me', { credentials: 'same-origin' })
      .then(async (r) => {
        if (r.status === 401) setSignedIn(false);
        else if (r.ok)
          setSignedInWho(((await r.json()) as import('../lib/api/types.ts').Answer<'/api/me', 'get'>).user);
        else return;
        show(signedInWho());
      })
      .catch(() => {
        /* offline: keep what the device knows */
      });
  }
}
