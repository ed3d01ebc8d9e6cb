/** Module page behaviour for a signed-in reader: record "viewed", "mark complete" and practice results through the device queue. */
import { enqueue, onState, startAutoSync, type SyncState } from './progress-queue.ts';
import { setSignedIn } from './session-hint.ts';

const root = document.querySelector<HTMLElement>('[data-module-page]');
if (root) {
  const course = root.dataset.course!;
  const module = root.dataset.module!;
  const strings = JSON.parse(document.getElementById('sync-strings')?.textContent ?? '{}') as Record<string, string>;
  const form = root.querySelector<HTMLFormElement>('[data-mark-complete-form]')!;
  const status = root.querySelector<HTMLElement>('[data-sync-status]')!;
  const done = root.querySelector<HTMLElement>('[data-complete-text]')!;
  const hint = root.querySelector<HTMLElement>('[data-signin-hint]')!;

  const show = (s: SyncState) => {
    if (s === 'signed-out') {
      setSignedIn(false);
      hint.hidden = false;
      form.hidden = true;
      status.hidden = true;
      return;
    }
    status.hidden = false;
    status.dataset.state = s;
    status.textContent = s === 'synced' ? strings.synced! : s === 'offline' ? strings.offline! : strings.saved!;
  };
  const markDone = () => {
    form.hidden = true;
    done.classList.add('shown');
  };

  hint.hidden = true;
  onState(show);
  startAutoSync();
  void enqueue({ course, module, kind: 'viewed' });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    markDone();
    void enqueue({ course, module, kind: 'completed' });
  });
  root.addEventListener('oberih:practice', (e) => {
    const { score } = (e as CustomEvent<{ score: number }>).detail;
    void enqueue({ course, module, kind: 'practice', score: Math.round(score * 100) / 100 });
  });
  fetch(`/api/me/progress/${encodeURIComponent(course)}`, { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : r.status === 401 ? (show('signed-out'), null) : null))
    .then((p: { modules: { id: string; completed: boolean }[] } | null) => {
      if (p?.modules.find((m) => m.id === module)?.completed) markDone();
    })
    .catch(() => {});
}
