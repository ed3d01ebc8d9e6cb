/**
 * The verification page. A QR link carries `#<payload>.<signature>` in the fragment (never sent to a
 * server). The signature is checked here with WebCrypto against Oberih's public key, which is saved
 * in localStorage on every online visit, so a checkpoint without a connection can still tell genuine
 * from forged. Revocation lives in the register, so it is asked for only when online, and the page
 * says plainly when it could not ask.
 */
import { normaliseCode, verifyToken, type CertificatePayload, type PublicJwk } from '../../courses/certificate.ts';

const JWKS_URL = '/.well-known/oberih-certificates.json';
const KEY_CACHE = 'oberih.certificate-keys.v1';

interface PageData {
  locale: 'uk' | 'en';
  courses: Record<string, string>;
  strings: Record<string, string>;
}
/** The public register's answer (typed by the API's generated types). */
type RegisterAnswer = import('../lib/api/types.ts').Answer<'/api/verify/{code}', 'get'>;

const data = JSON.parse(document.getElementById('verify-data')!.textContent!) as PageData;
const s = (key: string, vars: Record<string, string> = {}) =>
  (data.strings[`verify.${key}`] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
const dateFormat = new Intl.DateTimeFormat(data.locale === 'uk' ? 'uk-UA' : 'en-GB', {
  dateStyle: 'long',
  timeZone: 'UTC',
});
/** Dates are UTC calendar dates (`YYYY-MM-DD` or an ISO instant). */
const fmt = (d: string) => dateFormat.format(new Date(d.length === 10 ? `${d}T00:00:00Z` : d));

const box = document.querySelector<HTMLElement>('[data-verify-result]')!;
const heading = box.querySelector<HTMLElement>('[data-verify-heading]')!;
const detail = box.querySelector<HTMLElement>('[data-verify-detail]')!;
const details = box.querySelector<HTMLElement>('[data-verify-details]')!;
const register = box.querySelector<HTMLElement>('[data-verify-registry]')!;
const form = document.querySelector<HTMLFormElement>('[data-verify-form]')!;
const input = form.querySelector<HTMLInputElement>('input[name=code]')!;

/** The published keys: fresh from the server when online (and saved), else the saved copy. */
async function publicKeys(): Promise<{ keys: PublicJwk[]; saved: boolean } | null> {
  if (navigator.onLine) {
    try {
      const res = await fetch(JWKS_URL, { cache: 'no-cache' });
      if (res.ok) {
        const keys = ((await res.json()) as { keys: PublicJwk[] }).keys;
        // Replace, never merge: a key Oberih stops publishing must stop being trusted here too.
        localStorage.setItem(KEY_CACHE, JSON.stringify(keys));
        return { keys, saved: false };
      }
    } catch {
      /* offline or server down: fall back to the saved key */
    }
  }
  try {
    const saved = JSON.parse(localStorage.getItem(KEY_CACHE) ?? 'null') as PublicJwk[] | null;
    return Array.isArray(saved) && saved.length ? { keys: saved, saved: true } : null;
  } catch {
    return null;
  }
}

function show(state: { signature?: string; registry?: string }, title: string, text = '') {
  box.hidden = false;
  if (state.signature !== undefined) box.dataset.signature = state.signature;
  if (state.registry !== undefined) box.dataset.registry = state.registry;
  heading.textContent = title;
  detail.textContent = text;
  detail.hidden = !text;
}

function showDetails(rows: [string, string][]) {
  details.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const dt = document.createElement('dt');
      dt.textContent = k;
      const dd = document.createElement('dd');
      dd.textContent = v;
      return [dt, dd];
    }),
  );
  details.hidden = false;
}

function setRegister(kind: string, text: string) {
  box.dataset.registry = kind;
  register.textContent = `${s('registry')}: ${text}`;
  register.className = `status ${kind === 'valid' ? 'ok' : kind === 'offline' || kind === 'limited' || kind === 'error' ? '' : 'bad'}`;
  register.hidden = false;
}

/** Ask the register; `signed` is what the QR code proved, to catch a register that disagrees. */
async function askRegister(code: string, signed?: CertificatePayload): Promise<RegisterAnswer | null> {
  const offline = signed ? s('offline') : s('offlineCode');
  if (!navigator.onLine) {
    setRegister('offline', offline);
    return null;
  }
  let res: Response;
  try {
    res = await fetch(`/api/verify/${encodeURIComponent(code)}`, { credentials: 'omit' });
  } catch {
    setRegister('offline', offline);
    return null;
  }
  if (res.status === 404) return (setRegister('not-found', s('notFound')), null);
  if (res.status === 429) return (setRegister('limited', s('limited')), null);
  if (!res.ok) return (setRegister('error', s('error')), null);
  const answer = (await res.json()) as RegisterAnswer;
  const text =
    answer.status === 'revoked'
      ? s('status.revoked', { date: fmt(answer.revoked_at!) })
      : answer.status === 'superseded'
        ? s('status.superseded', { date: fmt(answer.superseded_at!) })
        : answer.status === 'expired'
          ? s('status.expired', { date: fmt(answer.expires_at!) })
          : s('status.valid');
  // An erased holder's name is no longer in the register: only the other fields can be compared.
  const differs =
    signed &&
    ((answer.name !== null && answer.name !== signed.name) ||
      answer.course.id !== signed.course ||
      answer.issued_at.slice(0, 10) !== signed.issued ||
      (answer.expires_at?.slice(0, 10) ?? null) !== signed.expires);
  setRegister(differs ? 'mismatch' : answer.status, differs ? s('mismatch') : text);
  return answer;
}

function reset() {
  box.hidden = true;
  delete box.dataset.signature;
  delete box.dataset.registry;
  details.hidden = true;
  register.hidden = true;
}

async function checkToken(token: string) {
  reset();
  show({}, s('checking'));
  const keys = await publicKeys();
  if (!keys) {
    show({ signature: 'no-key' }, s('noKey'));
    return;
  }
  const result = await verifyToken(token, keys.keys);
  if (!result.ok) {
    show({ signature: 'forged' }, s('forged'), s(`reason.${result.reason}`));
    heading.focus();
    return;
  }
  const p = result.payload;
  const expiredBySignature = p.expires !== null && p.expires <= new Date().toISOString().slice(0, 10);
  show(
    { signature: 'valid' },
    s('genuine'),
    [expiredBySignature ? s('expiredBySignature', { date: fmt(p.expires!) }) : '', keys.saved ? s('keyFromCache') : '']
      .filter(Boolean)
      .join(' '),
  );
  showDetails([
    [s('name'), p.name],
    [s('course'), data.courses[p.course] ?? p.course],
    [s('version'), p.version],
    [s('issued'), fmt(p.issued)],
    [s('expires'), p.expires ? fmt(p.expires) : s('noExpiry')],
    [s('code'), p.code],
  ]);
  heading.focus();
  const answer = await askRegister(p.code, p);
  // A genuine but revoked or expired certificate must not read as "fine" at a glance.
  if (answer && answer.status !== 'valid' && box.dataset.registry === answer.status) {
    heading.textContent = register.textContent!.replace(`${s('registry')}: `, '');
    detail.textContent = s('genuine');
    detail.hidden = false;
  }
}

async function checkCode(typed: string) {
  reset();
  const code = normaliseCode(typed);
  // A code that cannot exist gets the same answer as one that does not.
  if (!code) {
    show({ registry: 'not-found' }, s('notFound'));
    heading.focus();
    return;
  }
  show({}, s('checking'));
  const answer = await askRegister(code);
  if (answer) {
    showDetails([
      [s('name'), answer.name ?? s('erased')],
      [s('course'), answer.course.title[data.locale]],
      [s('issued'), fmt(answer.issued_at)],
      [s('expires'), answer.expires_at ? fmt(answer.expires_at) : s('noExpiry')],
      [s('code'), code],
    ]);
  }
  heading.textContent = register.textContent!.replace(`${s('registry')}: `, '');
  register.hidden = true;
  heading.focus();
}

function route() {
  const token = decodeURIComponent(location.hash.slice(1));
  if (token) return checkToken(token);
  const code = new URLSearchParams(location.search).get('code');
  if (code) {
    input.value = code;
    return checkCode(code);
  }
  reset();
  // Save the public key while online, so this device can check signatures later without a connection.
  void publicKeys();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  // Looking up a typed code replaces any QR token shown before.
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  void checkCode(input.value);
});
window.addEventListener('hashchange', () => void route());
void route();
