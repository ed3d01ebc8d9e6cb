/**
 * The shared steps of a graded attempt's life: the course's pool, the learner's view (under the
 * attempt's public ids), mapping responses back to authored ids, scoring, the review the course's
 * policy allows, and closing an attempt at its deadline from the answers the server holds.
 */
import { maskedQuestion, maskResponse, unmaskResponse } from '../courses/attempt-ids.ts';
import { reviewOf } from '../courses/assessment.ts';
import { moduleTally, reviewLevel } from '../courses/review-policy.ts';
import { correctResponse, isPassed, responseShapeError, scoreAttempt } from '../courses/scoring.ts';
import type { Question, Response } from '../courses/schema/question.ts';
import { attemptsRepo, type ScoredResponse, type StoredDraw } from '../db/repos/attempts.ts';
import type { Attempt } from '../db/schema.ts';
import { attemptsInCycle } from '../courses/cycles.ts';
import { checkCompletion, cycleOf } from './completion.ts';
import { attemptGraded } from './attempt-events.ts';
import type { Deps } from './deps.ts';
import { AppError } from './errors.ts';

/** Time a request may take to arrive after the deadline and still count as on time. */
export const NETWORK_SLACK_MS = 2 * 60 * 1000;
/** How long after the deadline a submission made offline is still kept (as late, pending review). */
export const OFFLINE_GRACE_MS = 24 * 60 * 60 * 1000;

/** Each loaded course's pool by question id, built once (the catalog is read once at start). */
const pools = new WeakMap<object, Map<string, Question>>();

export function poolOf(deps: Deps, courseId: string) {
  const loaded = deps.catalog.courses.get(courseId);
  if (!loaded) throw new AppError(404, 'not_found', `unknown course "${courseId}"`);
  if (!loaded.course.assessment || !loaded.pool)
    throw new AppError(404, 'not_found', `course "${courseId}" has no graded assessment`);
  let pool = pools.get(loaded);
  if (!pool) pools.set(loaded, (pool = new Map(loaded.pool.map((q) => [q.id, q]))));
  return { course: loaded.course, settings: loaded.course.assessment, pool };
}

/**
 * The last few attempts' draws, parsed once: a submit reads its draw three times (checking the
 * responses, scoring, the review). Keyed by the stored JSON text itself, so a draw can never be
 * another attempt's; callers must not change the arrays they get.
 */
const draws = new Map<string, readonly StoredDraw[]>();
const DRAWS_KEPT = 256;
export function drawOf(a: Pick<Attempt, 'questions'>): readonly StoredDraw[] {
  let d = draws.get(a.questions);
  if (!d) {
    if (draws.size >= DRAWS_KEPT) draws.delete(draws.keys().next().value!);
    draws.set(a.questions, (d = JSON.parse(a.questions) as StoredDraw[]));
  }
  return d;
}

/** Has the server-side deadline (plus network slack) passed? */
export const pastDeadline = (a: Pick<Attempt, 'deadline_at'>, now: Date) =>
  !!a.deadline_at && now.getTime() > Date.parse(a.deadline_at) + NETWORK_SLACK_MS;

/**
 * Responses under the attempt's public ids → authored ids, or a 400 naming each bad one (an authored
 * id, another attempt's id, a question not drawn, a wrong shape). `null` (clear an answer) is allowed
 * where `allowNull` says so.
 */
export function readResponses(
  deps: Deps,
  a: Attempt,
  given: Record<string, Response | null>,
  allowNull = false,
): Map<string, Response | null> {
  const { pool } = poolOf(deps, a.course_id);
  const draw = new Map(drawOf(a).map((d) => [d.id, d]));
  const fields: Record<string, string> = {};
  const out = new Map<string, Response | null>();
  for (const [qid, r] of Object.entries(given)) {
    const d = draw.get(qid);
    if (!d) {
      fields[`responses.${qid}`] = 'this question is not part of the attempt';
      continue;
    }
    if (r === null) {
      if (allowNull) out.set(qid, null);
      else fields[`responses.${qid}`] = 'expected a response';
      continue;
    }
    const q = pool.get(qid)!;
    const mapped = unmaskResponse(q, d, r);
    const err = 'error' in mapped ? mapped.error : responseShapeError(q, mapped.response);
    if (err) fields[`responses.${qid}`] = err;
    else if ('response' in mapped) out.set(qid, mapped.response);
  }
  const first = Object.entries(fields)[0];
  if (first) throw new AppError(400, 'validation_failed', `invalid body "${first[0]}": ${first[1]}`, fields);
  return out;
}

/** Score authored-id responses against the attempt's questions. */
export function scoreResponses(deps: Deps, a: Attempt, responses: Record<string, Response>) {
  const { pool, course } = poolOf(deps, a.course_id);
  const questions: Question[] = drawOf(a).map((d) => pool.get(d.id)!);
  const result = scoreAttempt(questions, responses);
  const rows: ScoredResponse[] = result.questions.map((q) => ({
    question_id: q.id,
    score: q.score,
    response: JSON.stringify(responses[q.id] ?? null),
  }));
  return { score: result.score, passed: isPassed(result.score, course.passMark), rows };
}

/**
 * Attempts left to the learner in the current certification cycle (null: unlimited), counted as the
 * start route counts them: a renewal cycle starts with a fresh set, so the review policy must not
 * treat a renewing officer as out of attempts (and show the key) while the cycle still has some.
 */
export async function attemptsLeft(deps: Deps, userId: number, courseId: string): Promise<number | null> {
  const { settings, course } = poolOf(deps, courseId);
  if (!settings.maxAttempts) return null;
  const { cycle, attempts } = await cycleOf(deps, userId, course);
  const used = attemptsInCycle(
    cycle,
    attempts.filter((a) => a.submitted_at),
  ).length;
  return Math.max(0, settings.maxAttempts - used);
}

/**
 * An attempt closed by the server at its deadline can still receive a late submission (finished offline)
 * until the grace period ends: its answers must not be shown before then, or a learner could let the
 * last attempt run out, read the key and hand it in "late".
 */
export function lateWindowOpen(a: Attempt, now: Date): boolean {
  return (
    a.finished_by === 'deadline' &&
    !a.late_status &&
    !!a.deadline_at &&
    now.getTime() < Date.parse(a.deadline_at) + OFFLINE_GRACE_MS
  );
}

/** The open attempt as its learner sees it: questions under public ids, and the answers the server holds. */
export async function openView(deps: Deps, a: Attempt) {
  const { pool, settings } = poolOf(deps, a.course_id);
  const locale = a.locale as 'uk' | 'en';
  const draw = drawOf(a);
  const byId = new Map(draw.map((d) => [d.id, d]));
  const saved = await attemptsRepo(deps.db).saves(a.id);
  return {
    id: a.id,
    course: a.course_id,
    locale: a.locale,
    started_at: a.started_at,
    deadline_at: a.deadline_at,
    time_limit_minutes: settings.timeLimitMinutes ?? null,
    server_now: deps.now().toISOString(),
    submitted: false,
    questions: draw.map((d) => maskedQuestion(pool.get(d.id)!, locale, d)),
    answers: Object.fromEntries(
      saved
        .filter((s) => byId.has(s.question_id))
        .map((s) => [
          s.question_id,
          maskResponse(pool.get(s.question_id)!, byId.get(s.question_id)!, JSON.parse(s.response) as Response),
        ]),
    ),
  };
}

/** A question's feedback and key depend on the question and locale only: worked out once each. */
const reviewCache = new WeakMap<Question, Partial<Record<'uk' | 'en', ReviewParts>>>();
interface ReviewParts {
  feedback: ReturnType<typeof reviewOf>;
  correct: Response;
}
function reviewParts(q: Question, locale: 'uk' | 'en'): ReviewParts {
  let byLocale = reviewCache.get(q);
  if (!byLocale) reviewCache.set(q, (byLocale = {}));
  return (byLocale[locale] ??= { feedback: reviewOf(q, locale), correct: correctResponse(q) });
}

/**
 * The result of a submitted attempt, as much as the review policy allows (courses/review-policy.ts);
 * staff see everything. `known` saves reading back responses just written.
 */
export async function resultView(deps: Deps, a: Attempt, forStaff = false, known?: ScoredResponse[]) {
  const { pool, settings, course } = poolOf(deps, a.course_id);
  const repo = attemptsRepo(deps.db);
  const passed = a.passed === 1;
  const left = forStaff || passed ? null : await attemptsLeft(deps, a.user_id, a.course_id);
  let level = reviewLevel(settings.review, { passed, attemptsLeft: left, staff: forStaff });
  // No key while any of the learner's attempts at the course could still be handed in late: the
  // questions of one attempt recur in another.
  if (level === 'full' && !forStaff && !passed) {
    const now = deps.now();
    const mine = await repo.forUser(a.user_id, a.course_id);
    if (mine.some((x) => lateWindowOpen(x, now))) level = 'modules';
  }
  const head = { id: a.id, course: a.course_id, submitted: true, submitted_at: a.submitted_at };
  const late = a.late_status
    ? {
        late: {
          status: a.late_status,
          submitted_at: a.late_submitted_at,
          ...(forStaff ? { score: a.late_score, elapsed_ms: a.late_elapsed_ms } : {}),
        },
      }
    : {};
  if (level === 'none') return { ...head, ...late };
  const base = {
    ...head,
    finished_by: a.finished_by ?? 'learner',
    score: a.score,
    passed,
    pass_mark: course.passMark,
    attempts_left: left,
    ...late,
  };
  if (level === 'score') return base;
  const responses = new Map((known ?? (await repo.responses(a.id))).map((r) => [r.question_id, r]));
  const draw = drawOf(a);
  const questions = draw.map((d) => pool.get(d.id)!);
  const modules = moduleTally(questions, new Map([...responses].map(([id, r]) => [id, r.score])));
  if (level === 'modules') return { ...base, modules };
  const locale = a.locale as 'uk' | 'en';
  return {
    ...base,
    modules,
    review: draw.map((d, i) => {
      const q = questions[i]!;
      const r = responses.get(d.id);
      const given = r ? (JSON.parse(r.response) as Response | null) : null;
      const { feedback, correct } = reviewParts(q, locale);
      return {
        question: maskedQuestion(q, locale, d),
        response: given === null ? null : maskResponse(q, d, given),
        score: r?.score ?? 0,
        correct_response: maskResponse(q, d, correct),
        ...feedback,
        optionFeedback: Object.fromEntries(
          Object.entries(feedback.optionFeedback).map(([id, text]) => [d.ids?.[id] ?? id, text]),
        ),
      };
    }),
  };
}

/**
 * An open attempt whose deadline (plus slack) has passed is scored from the answers the server holds
 * (issue #18, item 4: the limit is the server's, not the device's). Idempotent; returns the attempt
 * as it now stands.
 */
export async function closeIfExpired(deps: Deps, a: Attempt): Promise<Attempt> {
  if (a.submitted_at || !pastDeadline(a, deps.now())) return a;
  const repo = attemptsRepo(deps.db);
  const saved = await repo.saves(a.id);
  const responses = Object.fromEntries(saved.map((s) => [s.question_id, JSON.parse(s.response) as Response]));
  const r = scoreResponses(deps, a, responses);
  const closed = await repo.submit(deps.storage, {
    id: a.id,
    submitted_at: a.deadline_at!,
    score: r.score,
    passed: r.passed,
    finished_by: 'deadline',
    responses: r.rows,
  });
  if (closed)
    await attemptGraded(deps, {
      attemptId: a.id,
      userId: a.user_id,
      courseId: a.course_id,
      score: r.score,
      passed: r.passed,
      submittedAt: a.deadline_at!,
    });
  if (closed && r.passed) await checkCompletion(deps, a.user_id, a.course_id);
  return (await repo.byId(a.id))!;
}
