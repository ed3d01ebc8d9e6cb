/** Module page behaviour for a signed-in reader: record "viewed", "mark complete" and practice results through the device queue. */
import { enqueue, onState, startAutoSync, type SyncState } from './progress-queue.ts';
import { setSignedIn } from './session-hint.ts';
import { HEARTBEAT_SECONDS } from '../../courses/completion.ts';
import type { Answer } from '../lib/api/types.ts';

const root = document.querySelector<HTMLElement>('[data-module-page]');
if (root) {
  const course = root.dataset.course!;
  const module = root.dataset.module!;
  const strings = JSON.parse(document.getElementById('sync-strings')?.textContent ?? '{}') as Record<string, string>;
  const form = root.querySelector<HTMLFormElement>('[data-mark-complete-form]')!;
  const status = root.querySelector<HTMLElement>('[data-sync-status]')!;
  const done = root.querySelector<HTMLElement>('[data-complete-text]')!;
  const hint = root.querySelector<HTMLElement>('[data-signin-hint]')!;

  /** The server said this page's session has ended: no more heartbeats from it. */
  let signedOut = false;
  const show = (s: SyncState) => {
    if (s === 'signed-out') {
      signedOut = true;
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

  type ModuleProgress = Answer<'/api/me/progress/{course}', 'get'>['modules'][number];
  /** A mark counts only with enough study time and a practice pass (server rule): say what is missing. */
  const showModule = (m: ModuleProgress | undefined) => {
    root.querySelectorAll<HTMLElement>('[data-not-counted]').forEach((n) => n.classList.remove('shown'));
    if (m?.completed) return markDone();
    if (!m?.completedAt) return;
    const key = m.missing.filter((x) => x !== 'mark').join('-');
    root.querySelector<HTMLElement>(`[data-not-counted="${key}"]`)?.classList.add('shown');
  };
  const refresh = () =>
    fetch(`/api/me/progress/${encodeURIComponent(course)}`, { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : r.status === 401 ? (show('signed-out'), null) : null))
      .then(
        (p: Answer<'/api/me/progress/{course}', 'get'> | null) =>
          p && showModule(p.modules.find((m) => m.id === module)),
      )
      .catch(() => {});
  let markPending = false;

  hint.hidden = true;
  onState((s) => {
    show(s);
    if (s === 'synced' && markPending) {
      markPending = false;
      void refresh();
    }
  });
  startAutoSync();
  void enqueue({ course, module, kind: 'viewed' });
  // Study time is measured on the server from these heartbeats (only while the page is visible).
  setInterval(() => {
    if (document.visibilityState === 'visible' && !signedOut) void enqueue({ course, module, kind: 'viewed' });
  }, HEARTBEAT_SECONDS * 1000);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    markPending = true;
    void enqueue({ course, module, kind: 'completed' });
  });
  root.addEventListener('oberih:practice', (e) => {
    const { score } = (e as CustomEvent<{ score: number }>).detail;
    void enqueue({ course, module, kind: 'practice', score: Math.round(score * 100) / 100 });
  });
  void refresh();
}
