/**
 * Where a graded attempt comes from and goes to. In platform mode the API draws and scores it
 * (answer keys never reach the browser); the SCORM build supplies its own backend that draws and
 * scores in the browser with the same `courses/` engine and reports to the LMS.
 */
import type { PublicQuestion } from '../../../courses/assessment.ts';
import type { Response as Answer } from '../../../courses/schema/question.ts';

export interface OpenAttempt {
  id: string;
  questions: PublicQuestion[];
  deadline_at: string | null;
  server_now?: string;
  time_limit_minutes: number | null;
  /** Answers the server holds (saved as the learner went), under this attempt's ids. */
  answers?: Record<string, Answer>;
}

export interface ReviewItem {
  question: PublicQuestion;
  response: Answer | null;
  score: number;
  correct_response: Answer;
  explanation: string;
  reference: string;
}

export interface AttemptResult {
  id: string;
  score?: number | null;
  passed?: boolean;
  pass_mark?: number;
  /** Per module: questions fully right out of those drawn (review policies `after-final` and up). */
  modules?: { module: string; right: number; total: number }[];
  review?: ReviewItem[];
  /** A submission that arrived after the deadline: counts only once an instructor accepts it. */
  late?: { status: 'pending' | 'accepted' | 'rejected'; submitted_at: string | null };
}

export interface AttemptSummary {
  attempts_left: number | null;
  max_attempts: number | null;
  questions: number;
  time_limit_minutes: number | null;
  pass_mark: number;
  open: string | null;
  attempts: { id: string; score: number | null; passed: boolean | null; submitted_at: string | null }[];
}

export class NeedsSignIn extends Error {}
export class Offline extends Error {}

export interface AssessmentBackend {
  summary(): Promise<AttemptSummary>;
  start(): Promise<OpenAttempt>;
  resume(id: string): Promise<OpenAttempt | AttemptResult>;
  submit(id: string, responses: Record<string, Answer>, elapsedMs: number): Promise<AttemptResult>;
  /** Save answers on the server as the learner goes (`null` clears one); absent where there is no server. */
  saveAnswers?(id: string, answers: Record<string, Answer | null>): Promise<void>;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  let r: Response;
  try {
    r = await fetch(url, { credentials: 'same-origin', ...init });
  } catch {
    throw new Offline();
  }
  if (r.status === 401) throw new NeedsSignIn();
  const body = await r.json().catch(() => null);
  if (!r.ok) throw Object.assign(new Error(body?.error?.message ?? `HTTP ${r.status}`), { status: r.status, body });
  return body as T;
}

/** The platform: the API draws, stores and scores. */
export function apiBackend(course: string, locale: string): AssessmentBackend {
  const json = (body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return {
    summary: () => call(`/api/courses/${encodeURIComponent(course)}/attempts`),
    start: async () =>
      (await call<{ attempt: OpenAttempt }>(`/api/courses/${encodeURIComponent(course)}/attempts`, json({ locale })))
        .attempt,
    resume: async (id) =>
      (await call<{ attempt: OpenAttempt & AttemptResult & { submitted: boolean } }>(`/api/attempts/${id}`)).attempt,
    saveAnswers: async (id, answers) => {
      await call(`/api/attempts/${id}/answers`, { ...json({ answers }), method: 'PUT' });
    },
    submit: async (id, responses, elapsed_ms) =>
      (await call<{ attempt: AttemptResult }>(`/api/attempts/${id}/submit`, json({ responses, elapsed_ms }))).attempt,
  };
}
