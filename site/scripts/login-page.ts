/** Sign-in and enrolment forms: JSON to the API, then on to "My learning" (or the page the learner came from). */
import { isSignedIn, setSignedIn, setSignedInWho } from './session-hint.ts';
import { signOut } from './sign-out.ts';
import type { Answer, ApiError } from '../lib/api/types.ts';

function safeNext(locale: string): string {
  const next = new URLSearchParams(location.search).get('next');
  // Only same-site paths: never an open redirect.
  return next && /^\/(uk|en)\/[\w\-/%.]*$/.test(next) ? next : `/${locale}/my/`;
}

function wire(form: HTMLFormElement, url: string, fields: string[]) {
  const error = form.querySelector<HTMLElement>('[data-error]')!;
  const strings = JSON.parse(document.getElementById('login-strings')?.textContent ?? '{}') as Record<string, string>;
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const button = form.querySelector('button')!;
    button.disabled = true;
    error.hidden = true;
    const data = Object.fromEntries(fields.map((f) => [f, (form.elements.namedItem(f) as HTMLInputElement).value]));
    if (url.endsWith('redeem')) Object.assign(data, { locale: form.dataset.locale });
    if (form.dataset.challenge) Object.assign(data, { challenge: form.dataset.challenge });
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify(data),
      });
      if (res.ok) {
        // Sign-in, second step or enrolment: one of their answers (typed by the API's generated types).
        const body = (await res.json().catch(() => null)) as
          | (Partial<Answer<'/api/auth/login/totp', 'post'>> & {
              mfa_required?: true;
              challenge?: string;
              mfa_enrolment_required?: true;
            })
          | null;
        const locale = form.dataset.locale ?? 'uk';
        // The password was right and a second factor is on: the code form takes over.
        if (body?.mfa_required && body.challenge && totp) {
          totp.dataset.challenge = body.challenge;
          form.hidden = true;
          totp.hidden = false;
          totp.querySelector('input')?.focus();
          return;
        }
        const user = body?.user;
        // Name and role too, for the header on every page (site/scripts/site-header.ts).
        if (user?.full_name && user.role) setSignedInWho({ id: user.id, full_name: user.full_name, role: user.role });
        else setSignedIn(user?.id ?? 'unknown');
        location.assign(body?.mfa_enrolment_required ? `/${locale}/my/security/?required=1` : safeNext(locale));
        return;
      }
      const body = (await res.json().catch(() => null)) as ApiError | null;
      error.textContent =
        res.status === 401
          ? ((form.dataset.challenge ? strings.mfaFailed : strings.failed) ?? body?.error?.message ?? '')
          : res.status === 429
            ? (strings.limited ?? body?.error?.message ?? '')
            : (body?.error?.message ?? `HTTP ${res.status}`);
    } catch {
      error.textContent = navigator.onLine ? 'Network error' : 'Offline';
    }
    error.hidden = false;
    button.disabled = false;
  });
}

const totp = document.querySelector<HTMLFormElement>('[data-totp-form]');
if (totp) wire(totp, '/api/auth/login/totp', ['code']);
const login = document.querySelector<HTMLFormElement>('[data-login-form]');
if (login) wire(login, '/api/auth/login', ['email', 'password']);
const redeem = document.querySelector<HTMLFormElement>('[data-redeem-form]');
if (redeem) wire(redeem, '/api/auth/redeem', ['code', 'full_name', 'email', 'password']);

/**
 * The sign-in page opened by someone already signed in (the menu is the same static HTML for
 * everyone): say who is signed in, with the way on and a way out, instead of a second sign-in form.
 */
const panel = document.querySelector<HTMLElement>('[data-signed-in]');
if (login && panel && isSignedIn()) {
  fetch('/api/me', { credentials: 'same-origin' })
    .then((r) =>
      r.ok ? (r.json() as Promise<Answer<'/api/me', 'get'>>) : (r.status === 401 && setSignedIn(false), null),
    )
    .then((me) => {
      if (!me) return;
      setSignedInWho(me.user);
      const strings = JSON.parse(document.getElementById('login-strings')?.textContent ?? '{}') as Record<
        string,
        string
      >;
      panel.querySelector('[data-who]')!.textContent = (strings.signedInAs ?? '{name}').replace(
        '{name}',
        me.user.full_name,
      );
      panel.querySelector<HTMLElement>('[data-instructor]')!.hidden =
        me.user.role !== 'instructor' && me.user.role !== 'admin';
      panel
        .querySelector('[data-sign-out]')!
        .addEventListener('click', () => void signOut(login.dataset.locale ?? 'uk'));
      document.querySelector<HTMLElement>('[data-sign-in]')!.hidden = true;
      panel.hidden = false;
    })
    .catch(() => {});
}
