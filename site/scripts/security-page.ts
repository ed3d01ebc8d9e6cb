/** The two-step sign-in page: shows the state, enrols with a QR code, shows the recovery codes once. */
const root = document.querySelector<HTMLElement>('[data-mfa]');
const strings = JSON.parse(document.getElementById('mfa-strings')?.textContent ?? '{}') as Record<string, string>;

const post = (url: string, body: unknown = {}) =>
  fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

if (root) {
  const $ = <T extends HTMLElement>(sel: string) => root.querySelector<T>(sel)!;
  const status = $('[data-status]');
  const start = $<HTMLButtonElement>('[data-start]');
  const form = $<HTMLFormElement>('[data-enrol]');
  const error = $('[data-error]');
  document.querySelector<HTMLElement>('[data-required]')!.hidden = !new URLSearchParams(location.search).has(
    'required',
  );

  void fetch('/api/me', { credentials: 'same-origin' }).then(async (res) => {
    if (!res.ok) {
      $('[data-signin]').hidden = false;
      return;
    }
    const { user } = (await res.json()) as import('../lib/api/types.ts').Answer<'/api/me', 'get'>;
    status.textContent = user.mfa ? (strings['mfa.on'] ?? '') : (strings['mfa.off'] ?? '');
    start.hidden = user.mfa;
  });

  start.addEventListener('click', () => {
    start.disabled = true;
    void post('/api/auth/totp/setup').then(async (res) => {
      const body = (await res.json()) as Partial<
        import('../lib/api/types.ts').Answer<'/api/auth/totp/setup', 'post'> & import('../lib/api/types.ts').ApiError
      >;
      start.disabled = false;
      if (!res.ok || !body.qr_svg) {
        status.textContent = body.error?.message ?? `HTTP ${res.status}`;
        return;
      }
      // The QR code as an image (CSP allows data: images); the key as text for typing by hand.
      $<HTMLImageElement>('[data-qr]').src = `data:image/svg+xml;base64,${btoa(body.qr_svg)}`;
      $('[data-secret]').textContent = body.secret!.replace(/(.{4})/g, '$1 ').trim();
      start.hidden = true;
      form.hidden = false;
      form.querySelector('input')!.focus();
    });
  });

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    error.hidden = true;
    const code = (form.elements.namedItem('code') as HTMLInputElement).value;
    void post('/api/auth/totp/enable', { code }).then(async (res) => {
      const body = (await res.json()) as Partial<
        import('../lib/api/types.ts').Answer<'/api/auth/totp/enable', 'post'> & import('../lib/api/types.ts').ApiError
      >;
      if (!res.ok || !body.recovery_codes) {
        error.textContent = body.error?.message ?? `HTTP ${res.status}`;
        error.hidden = false;
        return;
      }
      form.hidden = true;
      status.textContent = strings['mfa.on'] ?? '';
      const list = $('[data-codes]');
      for (const c of body.recovery_codes) {
        const li = document.createElement('li');
        const code = document.createElement('code');
        code.textContent = c;
        li.append(code);
        list.append(li);
      }
      $('[data-recovery]').hidden = false;
      $<HTMLElement>('[data-recovery] h2').focus();
    });
  });
}

export {};
