/** "My learning": professional development hours from attended group supervision (GET /api/supervision/mine). */
const box = document.querySelector<HTMLElement>('[data-pd]');
const text = box?.querySelector<HTMLElement>('[data-pd-text]');
if (box && text)
  void fetch('/api/supervision/mine', { credentials: 'same-origin' })
    .then(async (r) => {
      if (!r.ok) return;
      const { development } = (await r.json()) as { development: { sessions: number; hours: number } };
      text.textContent = (text.dataset.template ?? '')
        .replace('{sessions}', String(development.sessions))
        .replace('{hours}', new Intl.NumberFormat(document.documentElement.lang || 'uk').format(development.hours));
      box.hidden = false;
    })
    .catch(() => {
      /* offline */
    });
