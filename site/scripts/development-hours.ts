/**
 * "My learning": professional development hours from attended group supervision (GET
 * /api/supervision/mine). The section sits below the learner's courses and is shown only once that
 * island has settled (no `aria-busy` left in it): shown earlier, the island's growth would push it down,
 * a layout shift the header test measures.
 */
const box = document.querySelector<HTMLElement>('[data-pd]');
const text = box?.querySelector<HTMLElement>('[data-pd-text]');
const room = document.querySelector<HTMLElement>('.island-room');

const settled = () =>
  new Promise<void>((resolve) => {
    const done = () => !room || (room.childElementCount > 0 && !room.querySelector('[aria-busy="true"]'));
    if (done()) return resolve();
    const watch = new MutationObserver(() => {
      if (!done()) return;
      watch.disconnect();
      resolve();
    });
    watch.observe(room!, { childList: true, subtree: true, attributes: true });
  });

if (box && text)
  void fetch('/api/supervision/mine', { credentials: 'same-origin' })
    .then(async (r) => {
      if (!r.ok) return;
      const { development } = (await r.json()) as { development: { sessions: number; hours: number } };
      text.textContent = (text.dataset.template ?? '')
        .replace('{sessions}', String(development.sessions))
        .replace('{hours}', new Intl.NumberFormat(document.documentElement.lang || 'uk').format(development.hours));
      await settled();
      box.hidden = false;
    })
    .catch(() => {
      /* offline */
    });
