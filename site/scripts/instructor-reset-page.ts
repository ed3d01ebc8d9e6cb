/**
 * The password reset page: the single-use token comes in the address's fragment (`#token=…`), which
 * browsers never send to a server, and is posted once with the new password.
 */
const form = document.querySelector<HTMLFormElement>('[data-reset-form]');
if (form) {
  const strings = JSON.parse(document.getElementById('reset-strings')?.textContent ?? '{}') as Record<string, string>;
  const error = form.querySelector<HTMLElement>('[data-error]')!;
  const done = form.querySelector<HTMLElement>('[data-done]')!;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  const show = (text: string) => {
    error.textContent = text;
    error.hidden = false;
  };
  if (!token) show(strings.noToken ?? '');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!token) return show(strings.noToken ?? '');
    const button = form.querySelector('button')!;
    button.disabled = true;
    error.hidden = true;
    const password = (form.elements.namedItem('new_password') as HTMLInputElement).value;
    try {
      const res = await fetch('/api/auth/reset', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, new_password: password }),
      });
      if (res.ok) {
        // The token is spent: take it out of the address bar and history.
        history.replaceState(null, '', location.pathname);
        done.hidden = false;
        form.querySelector<HTMLElement>('.field')!.hidden = true;
        button.hidden = true;
        return;
      }
      const body = (await res.json().catch(() => null)) as {
        error?: { fields?: Record<string, string>; message?: string };
      } | null;
      show(body?.error?.fields?.token ? (strings.invalid ?? '') : (body?.error?.message ?? `HTTP ${res.status}`));
    } catch {
      show(navigator.onLine ? 'Network error' : 'Offline');
    }
    button.disabled = false;
  });
}
