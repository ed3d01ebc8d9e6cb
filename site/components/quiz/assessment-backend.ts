/**
 * Where a graded attempt comes from and goes to. In platform mode the API draws and scores it
 * (answer keys never reach the browser); the SCORM build supplies its own backend that draws and
 * scores in the browser with the same `courses/` engine and reports to the LMS.
 */
import type { PublicQuestion } from '../../../courses/assessment.ts';
import type { Response as Answer } from '../../../courses/schema/question.ts';
import { fetchJson, type JsonResult } from '../../lib/api/fetch-json.ts';

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

/** The answer of a typed request, or the error the assessment run understands (offline, sign-in, HTTP status). */
async function call<T>(request: Promise<JsonResult<T>>): Promise<T> {
  const { res, data, error } = await request;
  if (!res) throw new Offline();
  if (res.status === 401) throw new NeedsSignIn();
  if (!res.ok) throw Object.assign(new Error(error?.message ?? `HTTP ${res.status}`), { status: res.status, error });
  return data!;
}

/**
 * The platform: the API draws, stores and scores. Typed by the API's generated types: the answers
 * must fit the shapes above (shared with the SCORM backend), or the type-check fails.
 */
export function apiBackend(course: string, locale: 'uk' | 'en' | string): AssessmentBackend {
  const courseId = { courseId: course };
  return {
    summary: () => call(fetchJson('get', '/api/courses/{courseId}/attempts', { params: courseId })),
    start: async () =>
      (
        await call(
          fetchJson('post', '/api/courses/{courseId}/attempts', {
            params: courseId,
            body: { locale: locale === 'en' ? 'en' : 'uk' },
          }),
        )
      ).attempt,
    resume: async (id) => (await call(fetchJson('get', '/api/attempts/{id}', { params: { id } }))).attempt,
    saveAnswers: async (id, answers) => {
      await call(fetchJson('put', '/api/attempts/{id}/answers', { params: { id }, body: { answers } }));
    },
    submit: async (id, responses, elapsed_ms) =>
      (await call(fetchJson('post', '/api/attempts/{id}/submit', { params: { id }, body: { responses, elapsed_ms } })))
        .attempt,
  };
}
