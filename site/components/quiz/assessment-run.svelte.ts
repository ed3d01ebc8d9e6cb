/**
 * State of a graded attempt in the browser. Answers are written to the device (localStorage) as the
 * learner gives them, so a reload, a power cut or a lost connection loses nothing; a submission that
 * cannot reach the server stays queued and is sent when the connection returns.
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
      } else this.phase = 'answering';
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
    this.responses = {};
    this.saved = { attempt: a, responses: {}, receivedAt: Date.now() };
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
  }

  async submit() {
    if (!this.saved) return;
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
