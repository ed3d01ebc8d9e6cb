/**
 * Registers the service worker; shows "a new version is ready" when a new build has been downloaded
 * (the page switches only when the learner says so, so a page never mixes versions); and runs the
 * "Save for offline" button on a course page, with the size shown before saving.
 */
import { formatBytes } from '../../courses/format.ts';

const strings = (): Record<string, string> =>
  JSON.parse(document.getElementById('offline-strings')?.textContent ?? '{}');

function ask<T>(worker: ServiceWorker, message: object, replyType: string): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (e: MessageEvent) => {
      if (e.data?.type?.startsWith(replyType)) {
        navigator.serviceWorker.removeEventListener('message', onMessage);
        resolve(e.data as T);
      }
    };
    navigator.serviceWorker.addEventListener('message', onMessage);
    worker.postMessage(message);
  });
}

function offerUpdate(reg: ServiceWorkerRegistration) {
  const banner = document.querySelector<HTMLElement>('[data-update-banner]');
  if (!banner || !reg.waiting) return;
  banner.hidden = false;
  banner
    .querySelector('button')
    ?.addEventListener('click', () => reg.waiting?.postMessage({ type: 'skip-waiting' }), { once: true });
}

async function wireSaveButton(reg: ServiceWorkerRegistration) {
  const box = document.querySelector<HTMLElement>('[data-save-offline]');
  if (!box) return;
  const key = box.dataset.key!;
  const locale = document.documentElement.lang;
  const s = strings();
  const button = box.querySelector('button')!;
  const status = box.querySelector<HTMLElement>('[data-save-status]')!;
  const worker = (await navigator.serviceWorker.ready).active ?? reg.active;
  if (!worker) return;
  const info = await ask<{ courses: Record<string, { bytes: number; saved: boolean }> }>(
    worker,
    { type: 'status' },
    'status',
  );
  const course = info.courses[key];
  if (!course) return;
  box.hidden = false;
  const show = (saved: boolean) => {
    button.hidden = saved;
    status.textContent = saved ? s['offline.saved']! : '';
  };
  button.textContent = `${s['offline.save']} (${s['offline.size']}: ${formatBytes(course.bytes, locale === 'en' ? 'en' : 'uk')})`;
  show(course.saved);
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = s['offline.saving']!;
    const r = await ask<{ type: string }>(worker, { type: 'save-course', key }, 'course-save');
    button.disabled = false;
    if (r.type === 'course-saved') show(true);
    else status.textContent = s['offline.failed']!;
  });
}

if ('serviceWorker' in navigator) {
  let reloading = false;
  // The first worker taking control is not an update: only reload when a previous version is replaced.
  const hadController = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading || !hadController) return;
    reloading = true;
    location.reload();
  });
  navigator.serviceWorker
    .register('/sw.js')
    .then((reg) => {
      offerUpdate(reg);
      reg.addEventListener('updatefound', () => {
        const next = reg.installing;
        next?.addEventListener('statechange', () => {
          if (next.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(reg);
        });
      });
      void wireSaveButton(reg);
    })
    .catch(() => undefined);
}
