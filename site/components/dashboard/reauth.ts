/**
 * The password confirmation that dangerous admin actions need (the API answers 403 `reauth_required`
 * when the password is older than 10 minutes: ASVS 5.0 7.5.3). A native modal <dialog> keeps focus
 * inside and closes with Escape; the password goes only to POST /api/auth/reauth.
 */
const strings = (): Record<string, string> => {
  try {
    return JSON.parse(document.getElementById('reauth-strings')?.textContent ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
};

/** Ask for the password and confirm it with the API; true when confirmed, false when cancelled. */
export function confirmPassword(): Promise<boolean> {
  const s = strings();
  const dialog = document.createElement('dialog');
  dialog.className = 'card';
  const form = document.createElement('form');
  const title = document.createElement('h2');
  title.className = 'h3';
  title.textContent = s['reauth.title'] ?? 'Confirm your password';
  const help = document.createElement('p');
  help.textContent = s['reauth.help'] ?? '';
  const field = document.createElement('div');
  field.className = 'field';
  const label = document.createElement('label');
  label.htmlFor = 'reauth-password';
  label.textContent = s['reauth.password'] ?? 'Password';
  const input = document.createElement('input');
  Object.assign(input, { id: 'reauth-password', type: 'password', autocomplete: 'current-password', required: true });
  field.append(label, input);
  const error = document.createElement('p');
  error.className = 'bad';
  error.setAttribute('role', 'alert');
  error.hidden = true;
  const ok = document.createElement('button');
  ok.type = 'submit';
  ok.textContent = s['reauth.confirm'] ?? 'Confirm';
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.textContent = s['reauth.cancel'] ?? 'Cancel';
  form.append(title, help, field, error, ok, document.createTextNode(' '), cancel);
  dialog.append(form);
  document.body.append(dialog);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(v);
    };
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', () => done(false));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      ok.disabled = true;
      fetch('/api/auth/reauth', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ password: input.value }),
      })
        .then(async (res) => {
          if (res.ok) return done(true);
          const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
          error.textContent = body?.error?.message ?? `HTTP ${res.status}`;
          error.hidden = false;
          ok.disabled = false;
          input.select();
        })
        .catch(() => {
          error.textContent = navigator.onLine ? 'Network error' : 'Offline';
          error.hidden = false;
          ok.disabled = false;
        });
    });
    dialog.showModal();
    input.focus();
  });
}
