/**
 * State of a graded attempt in the browser. Answers are written to the device (localStorage) as the
 * learner gives them, so a reload, a power cut or a lost connection loses nothing; a submission that
 * cannot reach the server stays queued and is sent when the connection returns. Answers are also
 * saved on the server as the learner goes (debounced): the server's clock decides, and at the
 * deadline it scores what it holds, so what it holds should be as recent as the connection allows.
 */
import type { Response } from '../../../courses/schema/question.ts';
import { signedInUser } from '../../scripts/session-hint.ts';
import {
  NeedsSignIn,
  Offline,
  type AssessmentBackend,
  type AttemptResult,
  type AttemptSummary,
  type OpenAttempt,
} from './assessment-backend.ts';

interface Saved {
  attempt: OpenAttempt;
  responses: Record<string, Response>;
  /** Device time when the attempt arrived; elapsed time is measured from it. */
  receivedAt: number;
  /** Set once the learner pressed submit: elapsed time at that moment. */
  submittedElapsed?: number;
}

/** Per person and course, so a shared device never mixes two people's answers. (Exported for the SCORM island, which mirrors the open attempt into suspend_data.) */
export const key = (course: string) => `oberih.attempt.${signedInUser() ?? 'anonymous'}.${course}`;

export class AssessmentRun {
  phase = $state<'loading' | 'signed-out' | 'ready' | 'answering' | 'queued' | 'done' | 'error'>('loading');
  summary = $state<AttemptSummary | null>(null);
  attempt = $state<OpenAttempt | null>(null);
  responses = $state<Record<string, Response | undefined>>({});
  result = $state<AttemptResult | null>(null);
  error = $state('');
  offline = $state(false);
  private saved: Saved | null = null;
  /** Questions answered since the last save the server confirmed, with the answer's version. */
  // Bookkeeping for saves, never rendered: no reactivity wanted.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private unsaved = new Map<string, number>();
  private version = 0;
  private saveTimer: ReturnType<typeof setTimeout> | null = null;
  private saving = false;
  /** Debounce of server saves; a retry after a failed save waits RETRY_MS. */
  static SAVE_MS = 1500;
  static RETRY_MS = 10000;

  constructor(
    private backend: AssessmentBackend,
    private course: string,
  ) {}

  /** Device time when the current attempt arrived (for the countdown against the server's clock). */
  get receivedAt(): number | null {
    return this.saved?.receivedAt ?? null;
  }

  private persist() {
    if (!this.saved) return;
    this.saved.responses = $state.snapshot(this.responses) as Record<string, Response>;
    try {
      localStorage.setItem(key(this.course), JSON.stringify(this.saved));
    } catch {
      /* storage full: answers stay in memory */
    }
  }

  private load(): Saved | null {
    try {
      return JSON.parse(localStorage.getItem(key(this.course)) ?? 'null');
    } catch {
      return null;
    }
  }

  private forget() {
    this.saved = null;
    try {
      localStorage.removeItem(key(this.course));
    } catch {
      /* ignore */
    }
  }

  async init() {
    const saved = this.load();
    if (saved) {
      // An attempt in progress on this device (possibly answered offline): carry on with it.
      this.saved = saved;
      this.attempt = saved.attempt;
      this.responses = saved.responses;
      if (saved.submittedElapsed !== undefined) {
        this.phase = 'queued';
        void this.flush();
      } else {
        this.phase = 'answering';
        // Answers given offline before a reload: the server may not hold them yet (saves are idempotent).
        for (const id of Object.keys(saved.responses)) this.unsaved.set(id, ++this.version);
        this.scheduleSave(0);
      }
      return;
    }
    try {
      this.summary = await this.backend.summary();
      if (this.summary.open) {
        const open = await this.backend.resume(this.summary.open);
        if ('questions' in open && open.questions) this.begin(open as OpenAttempt);
      } else this.phase = 'ready';
    } catch (e) {
      this.fail(e);
    }
  }

  private begin(a: OpenAttempt) {
    this.attempt = a;
    // Resuming on another device: start from the answers the server holds.
    this.responses = { ...(a.answers ?? {}) };
    this.saved = { attempt: a, responses: { ...(a.answers ?? {}) }, receivedAt: Date.now() };
    this.persist();
    this.phase = 'answering';
  }

  /** Starting needs the server (it draws the questions). */
  async start() {
    try {
      this.begin(await this.backend.start());
    } catch (e) {
      this.fail(e);
    }
  }

  answer(id: string, r: Response | undefined) {
    if (r === undefined) delete this.responses[id];
    else this.responses[id] = r;
    this.persist();
    this.unsaved.set(id, ++this.version);
    this.scheduleSave(AssessmentRun.SAVE_MS);
  }

  private scheduleSave(ms: number) {
    if (!this.backend.saveAnswers || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = null;
      void this.saveNow();
    }, ms);
  }

  /** Send the answers given since the last confirmed save; on a lost connection keep them and retry. */
  private async saveNow() {
    const s = this.saved;
    if (!s || !this.backend.saveAnswers || this.saving || !this.unsaved.size || s.submittedElapsed !== undefined)
      return;
    this.saving = true;
    // A snapshot of what this save carries, not state.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const sent = new Map(this.unsaved);
    const answers = Object.fromEntries([...sent.keys()].map((id) => [id, $state.snapshot(this.responses[id]) ?? null]));
    try {
      await this.backend.saveAnswers(s.attempt.id, answers as Record<string, Response | null>);
      // Keep what changed while the save was under way.
      for (const [id, v] of sent) if (this.unsaved.get(id) === v) this.unsaved.delete(id);
      if (this.unsaved.size) this.scheduleSave(AssessmentRun.SAVE_MS);
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (e instanceof Offline || status === undefined || status >= 500) {
        addEventListener('online', () => this.scheduleSave(0), { once: true });
        this.scheduleSave(AssessmentRun.RETRY_MS);
      }
      // 409: the deadline passed or the attempt was finished elsewhere; the submit path reports it.
    } finally {
      this.saving = false;
    }
  }

  async submit() {
    if (!this.saved) return;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.persist();
    this.saved.submittedElapsed = Date.now() - this.saved.receivedAt;
    this.persist();
    this.phase = 'queued';
    await this.flush();
  }

  private flushing: Promise<void> | null = null;

  /** Send a queued submission (one send at a time); on a network failure keep it and retry when back online. */
  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async send() {
    const s = this.saved;
    if (!s || s.submittedElapsed === undefined) return;
    try {
      this.result = await this.backend.submit(s.attempt.id, s.responses, s.submittedElapsed);
      this.forget();
      this.phase = 'done';
      this.offline = false;
    } catch (e) {
      if (
        e instanceof Offline ||
        (e as { status?: number }).status === undefined ||
        ((e as { status?: number }).status ?? 0) >= 500
      ) {
        this.offline = true;
        addEventListener('online', () => void this.flush(), { once: true });
        setTimeout(() => void this.flush(), 15000);
        return;
      }
      if ((e as { status?: number }).status === 409) {
        // Already submitted (an earlier send whose answer was lost, or another tab): show the stored result.
        const stored = await this.backend.resume(s.attempt.id).catch(() => null);
        if (stored && !('questions' in stored && stored.questions)) {
          this.result = stored as AttemptResult;
          this.forget();
          this.phase = 'done';
          return;
        }
        this.forget();
      }
      if ((e as { status?: number }).status === 400) this.forget();
      this.fail(e);
    }
  }

  private fail(e: unknown) {
    if (e instanceof NeedsSignIn) {
      this.phase = 'signed-out';
      return;
    }
    if (e instanceof Offline) {
      this.offline = true;
      this.error = '';
      this.phase = this.phase === 'loading' ? 'error' : this.phase;
      return;
    }
    this.error = (e as Error).message;
    this.phase = 'error';
  }
}
