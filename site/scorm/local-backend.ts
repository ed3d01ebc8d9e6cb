/**
 * The graded assessment inside a SCORM package: drawn and scored in the browser by the same
 * `courses/` engine the API uses (inherent to SCORM: there is no server), reported to the LMS
 * through the bridge. An open attempt lives in suspend_data as a seed plus compact responses.
 */
import { publicQuestion } from '../../courses/assessment.ts';
import { moduleTally, reviewLevel } from '../../courses/review-policy.ts';
import { correctResponse, isPassed, scoreAttempt, toScormScore } from '../../courses/scoring.ts';
import { decodeDraft, drawFromSeed, encodeDraft, type Draft } from '../../courses/scorm/common/draft.ts';
import { interactionsOf } from '../../courses/scorm/common/interactions.ts';
import type { Locale } from '../../courses/schema/common.ts';
import type { Course } from '../../courses/schema/course.ts';
import type { Question, Response } from '../../courses/schema/question.ts';
import type { AssessmentBackend, AttemptResult, OpenAttempt } from '../components/quiz/assessment-backend.ts';
import type { Bridge } from './bridge.ts';

export type Settings = NonNullable<Course['assessment']>;

export interface LocalAssessment {
  locale: Locale;
  pool: Question[];
  settings: Settings;
  passMark: number;
  bridge: Bridge;
  now?: () => number;
  random?: () => number;
}

const attemptId = (d: Draft) => `d-${d.seed.toString(36)}-${Math.floor(d.startedAt / 1000).toString(36)}`;

export function localBackend(o: LocalAssessment): AssessmentBackend & {
  open(): { attempt: OpenAttempt; responses: Draft['responses'] } | null;
  saveResponses(r: Record<string, Response | undefined>): void;
} {
  const now = o.now ?? Date.now;
  const n = o.settings.questions;
  const current = (): Draft | null => {
    const text = o.bridge.draft();
    if (!text) return null;
    try {
      return decodeDraft(o.pool, n, text);
    } catch {
      return null;
    }
  };
  const view = (d: Draft): OpenAttempt => {
    const { drawn, questions } = drawFromSeed(o.pool, n, d.seed);
    const limit = o.settings.timeLimitMinutes ?? null;
    return {
      id: attemptId(d),
      questions: questions.map((q, i) => publicQuestion(q, o.locale, drawn[i]!.order)),
      deadline_at: limit ? new Date(d.startedAt + limit * 60_000).toISOString() : null,
      server_now: new Date(now()).toISOString(),
      time_limit_minutes: limit,
    };
  };
  const attemptsLeft = () =>
    o.settings.maxAttempts ? Math.max(0, o.settings.maxAttempts - o.bridge.progress().attempts) : null;

  return {
    open: () => {
      const d = current();
      return d ? { attempt: view(d), responses: d.responses } : null;
    },
    async summary() {
      const p = o.bridge.progress();
      const d = current();
      return {
        attempts_left: attemptsLeft(),
        max_attempts: o.settings.maxAttempts ?? null,
        questions: n,
        time_limit_minutes: o.settings.timeLimitMinutes ?? null,
        pass_mark: o.passMark,
        open: d ? attemptId(d) : null,
        attempts: p.attempts ? [{ id: 'best', score: p.best, passed: p.passed, submitted_at: null }] : [],
      };
    },
    async start() {
      if (attemptsLeft() === 0) throw Object.assign(new Error('no attempts left'), { status: 409 });
      const seed = Math.floor((o.random ?? Math.random)() * 0x100000000) >>> 0;
      const d: Draft = { seed, startedAt: now(), responses: {} };
      o.bridge.setDraft(encodeDraft(o.pool, n, d));
      return view(d);
    },
    async resume() {
      const d = current();
      if (!d) throw Object.assign(new Error('the open attempt could not be restored'), { status: 404 });
      return view(d);
    },
    saveResponses(responses) {
      const d = current();
      if (d) o.bridge.setDraft(encodeDraft(o.pool, n, { ...d, responses }));
    },
    async submit(id, responses): Promise<AttemptResult> {
      const d = current();
      const seed = d && attemptId(d) === id ? d.seed : parseInt(/^d-([0-9a-z]+)-/.exec(id)?.[1] ?? '', 36);
      if (!Number.isFinite(seed)) throw Object.assign(new Error('unknown attempt'), { status: 404 });
      const { questions } = drawFromSeed(o.pool, n, seed);
      const scored = scoreAttempt(questions, responses);
      const score = toScormScore(scored.score).raw;
      const passed = isPassed(score, o.passMark);
      o.bridge.recordAttempt({
        score,
        passed,
        interactions: interactionsOf(questions, responses, scored.questions, o.locale, new Date(now())),
      });
      // The same policy as the platform (courses/review-policy.ts): answers only once passed or out of attempts.
      const level = reviewLevel(o.settings.review, { passed, attemptsLeft: attemptsLeft() });
      const modules = moduleTally(questions, new Map(scored.questions.map((s) => [s.id, s.score])));
      return {
        id,
        ...(level === 'none' ? {} : { score, passed, pass_mark: o.passMark }),
        ...(level === 'modules' || level === 'full' ? { modules } : {}),
        ...(level === 'full'
          ? {
              review: questions.map((q, i) => ({
                question: publicQuestion(q, o.locale),
                response: responses[q.id] ?? null,
                score: scored.questions[i]!.score,
                correct_response: correctResponse(q),
                explanation: q[o.locale].explanation,
                reference: q.reference[o.locale],
              })),
            }
          : {}),
      };
    },
  };
}
