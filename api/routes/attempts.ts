/**
 * Graded final assessments. The server draws the questions and scores the answers with the shared
 * engine (courses/scoring.ts); questions leave the server without keys or feedback.
 *
 * Time limit and the offline grace rule: the limit runs from the server-side start. A submission is
 * on time when it arrives before the deadline plus NETWORK_SLACK. A later submission (the learner
 * finished offline and waited for a connection) is accepted when it arrives within OFFLINE_GRACE of
 * the deadline AND the device reports, by its monotonic clock, that the learner submitted within the
 * limit (plus NETWORK_SLACK); otherwise it is refused with 409 time_limit_exceeded.
 */
import { z } from 'zod';
import { drawQuestions, publicQuestion, reviewOf } from '../../courses/assessment.ts';
import { correctResponse, isPassed, responseShapeError, scoreAttempt } from '../../courses/scoring.ts';
import { responseSchema, type Question } from '../../courses/schema/question.ts';
import { attemptsRepo, type StoredDraw } from '../../db/repos/attempts.ts';
import { checkCompletion, cycleOf } from '../completion.ts';
import { attemptsInCycle } from '../../courses/cycles.ts';
import type { Deps } from '../deps.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import type { Attempt } from '../../db/schema.ts';
import { canSeeLearner } from '../access.ts';

export const NETWORK_SLACK_MS = 2 * 60 * 1000;
export const OFFLINE_GRACE_MS = 24 * 60 * 60 * 1000;
const LEARNERS = ['cadet', 'officer'] as const;

export const startBody = z.object({ locale: z.enum(['uk', 'en']).default('uk') }).strict();
export const submitBody = z
  .object({
    /** Responses keyed by question id. */
    responses: z
      .record(z.string().max(80), responseSchema)
      .refine((r) => Object.keys(r).length <= 200, 'at most 200 responses'),
    /** Milliseconds from receiving the attempt to pressing "submit", by the device's monotonic clock (offline grace rule). */
    elapsed_ms: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600 * 1000)
      .optional(),
  })
  .strict();

const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

function poolOf(deps: Deps, courseId: string) {
  const loaded = deps.catalog.courses.get(courseId);
  if (!loaded) throw new AppError(404, 'not_found', `unknown course "${courseId}"`);
  if (!loaded.course.assessment || !loaded.pool)
    throw new AppError(404, 'not_found', `course "${courseId}" has no graded assessment`);
  return {
    course: loaded.course,
    settings: loaded.course.assessment,
    pool: new Map(loaded.pool.map((q) => [q.id, q])),
  };
}

function openView(deps: Deps, a: Attempt) {
  const { pool, settings } = poolOf(deps, a.course_id);
  const drawn = JSON.parse(a.questions) as StoredDraw[];
  return {
    id: a.id,
    course: a.course_id,
    locale: a.locale,
    started_at: a.started_at,
    deadline_at: a.deadline_at,
    time_limit_minutes: settings.timeLimitMinutes ?? null,
    server_now: deps.now().toISOString(),
    submitted: false,
    questions: drawn.map((d) => publicQuestion(pool.get(d.id)!, a.locale as 'uk' | 'en', d.order)),
  };
}

/** The result and review of a submitted attempt; `known` saves reading back responses just written. */
async function resultView(
  deps: Deps,
  a: Attempt,
  forStaff = false,
  known?: { question_id: string; response: string; score: number }[],
) {
  const { pool, settings, course } = poolOf(deps, a.course_id);
  const base = {
    id: a.id,
    course: a.course_id,
    submitted: true,
    submitted_at: a.submitted_at,
    score: a.score,
    passed: a.passed === 1,
    pass_mark: course.passMark,
  };
  const policy = forStaff ? 'after-submit' : settings.review;
  if (policy === 'none') return { id: a.id, course: a.course_id, submitted: true, submitted_at: a.submitted_at };
  if (policy === 'score-only' || (policy === 'after-pass' && a.passed !== 1)) return base;
  const locale = a.locale as 'uk' | 'en';
  const responses = new Map((known ?? (await attemptsRepo(deps.db).responses(a.id))).map((r) => [r.question_id, r]));
  const drawn = JSON.parse(a.questions) as StoredDraw[];
  return {
    ...base,
    review: drawn.map((d) => {
      const q = pool.get(d.id)!;
      const r = responses.get(d.id);
      return {
        question: publicQuestion(q, locale, d.order),
        response: r ? JSON.parse(r.response) : null,
        score: r?.score ?? 0,
        correct_response: correctResponse(q),
        ...reviewOf(q, locale),
      };
    }),
  };
}

export function attemptRoutes() {
  return new Resource('/api', 'assessment')
    .route(
      {
        method: 'get',
        path: '/courses/:courseId/attempts',
        summary: "My attempts at a course's final assessment and how many are left",
        access: 'authenticated',
        params: z.object({ courseId: z.string().max(80) }).strict(),
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const { settings, course } = poolOf(deps, params.courseId);
        // Attempts are counted per certification cycle (a renewal starts afresh; issue #18, item 6).
        const { cycle, attempts: mine } = await cycleOf(deps, c.get('user')!.id, course);
        const submitted = mine.filter((a) => a.submitted_at);
        const inCycle = attemptsInCycle(cycle, submitted);
        return c.json({
          questions: settings.questions,
          time_limit_minutes: settings.timeLimitMinutes ?? null,
          max_attempts: settings.maxAttempts ?? null,
          attempts_left: settings.maxAttempts ? Math.max(0, settings.maxAttempts - inCycle.length) : null,
          cycle: { index: cycle.index, kind: cycle.kind, opens_at: cycle.opensAt, deadline: cycle.deadline },
          pass_mark: course.passMark,
          open: mine.find((a) => !a.submitted_at)?.id ?? null,
          attempts: submitted.map((a) => ({
            id: a.id,
            submitted_at: a.submitted_at,
            score: settings.review === 'none' ? null : a.score,
            passed: settings.review === 'none' ? null : a.passed === 1,
          })),
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/courses/:courseId/attempts',
        summary: 'Start a graded attempt: draws the questions (no answer keys in the answer)',
        access: LEARNERS,
        params: z.object({ courseId: z.string().max(80) }).strict(),
        body: startBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { pool, settings, course } = poolOf(deps, params.courseId);
        const repo = attemptsRepo(deps.db);
        const { cycle, attempts: mine } = await cycleOf(deps, user.id, course);
        const open = mine.find((a) => !a.submitted_at);
        const now = deps.now();
        if (open && (!open.deadline_at || Date.parse(open.deadline_at) + OFFLINE_GRACE_MS > now.getTime())) {
          throw new AppError(409, 'conflict', `an attempt is already open (${open.id}); finish it first`, {
            attempt: open.id,
          });
        }
        // Every attempt of this cycle counts, except (as before) an open one abandoned past its grace period.
        const used = attemptsInCycle(cycle, mine).filter((a) => a.submitted_at || a !== open).length;
        if (settings.maxAttempts && used >= settings.maxAttempts)
          throw new AppError(
            409,
            'conflict',
            cycle.completed && cycle.nextOpensAt
              ? `no attempts left in this cycle (limit ${settings.maxAttempts}); renewal opens on ${cycle.nextOpensAt.slice(0, 10)}`
              : `no attempts left (limit ${settings.maxAttempts})`,
          );
        const drawn = drawQuestions([...pool.values()], settings.questions, random);
        const id = crypto.randomUUID();
        const deadline = settings.timeLimitMinutes
          ? new Date(now.getTime() + settings.timeLimitMinutes * 60000).toISOString()
          : null;
        await repo.create({
          id,
          user_id: user.id,
          course_id: course.id,
          content_version: course.version,
          locale: body.locale,
          questions: drawn,
          started_at: now.toISOString(),
          deadline_at: deadline,
        });
        return c.json({ attempt: openView(deps, (await repo.byId(id))!) }, 201);
      },
    )
    .route(
      {
        method: 'get',
        path: '/attempts/:id',
        summary: 'An attempt: questions while open (to resume), the result and review once submitted',
        access: 'authenticated',
        params: z.object({ id: z.string().uuid() }).strict(),
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const a = await attemptsRepo(deps.db).byId(params.id);
        if (!a) throw notFound('attempt');
        if (!(await canSeeLearner(deps, user, a.user_id))) throw forbidden('this attempt belongs to someone else');
        if (!a.submitted_at)
          return c.json({
            attempt:
              a.user_id === user.id ? openView(deps, a) : { id: a.id, submitted: false, started_at: a.started_at },
          });
        return c.json({ attempt: await resultView(deps, a, a.user_id !== user.id) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/attempts/:id/submit',
        summary: "Submit the answers; scored on the server; returns the score and review (per the course's policy)",
        access: 'authenticated',
        params: z.object({ id: z.string().uuid() }).strict(),
        body: submitBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = attemptsRepo(deps.db);
        const a = await repo.byId(params.id);
        if (!a) throw notFound('attempt');
        if (a.user_id !== user.id) throw forbidden('this attempt belongs to someone else');
        if (a.submitted_at) throw new AppError(409, 'conflict', 'this attempt was already submitted');
        const { pool, course } = poolOf(deps, a.course_id);
        const drawn = JSON.parse(a.questions) as StoredDraw[];
        const ids = new Set(drawn.map((d) => d.id));
        const fields: Record<string, string> = {};
        for (const [qid, r] of Object.entries(body.responses)) {
          if (!ids.has(qid)) fields[`responses.${qid}`] = 'this question is not part of the attempt';
          else {
            const err = responseShapeError(pool.get(qid)!, r);
            if (err) fields[`responses.${qid}`] = err;
          }
        }
        const first = Object.entries(fields)[0];
        if (first) throw new AppError(400, 'validation_failed', `invalid body "${first[0]}": ${first[1]}`, fields);
        const now = deps.now();
        if (a.deadline_at) {
          const deadline = Date.parse(a.deadline_at);
          const limit = deadline - Date.parse(a.started_at);
          const onTime = now.getTime() <= deadline + NETWORK_SLACK_MS;
          const finishedOffline =
            body.elapsed_ms !== undefined &&
            body.elapsed_ms <= limit + NETWORK_SLACK_MS &&
            now.getTime() <= deadline + OFFLINE_GRACE_MS;
          if (!onTime && !finishedOffline)
            throw new AppError(409, 'time_limit_exceeded', 'the time limit for this attempt has passed');
        }
        const questions: Question[] = drawn.map((d) => pool.get(d.id)!);
        const result = scoreAttempt(questions, body.responses);
        const passed = isPassed(result.score, course.passMark);
        const responses = result.questions.map((q) => ({
          question_id: q.id,
          score: q.score,
          response: JSON.stringify(body.responses[q.id] ?? null),
        }));
        const submittedAt = now.toISOString();
        const stored = await repo.submit(deps.sqlite, deps.writer, {
          id: a.id,
          submitted_at: submittedAt,
          score: result.score,
          passed,
          responses,
        });
        if (!stored) throw new AppError(409, 'conflict', 'this attempt was already submitted');
        if (passed) await checkCompletion(deps, user.id, a.course_id);
        return c.json({
          attempt: await resultView(
            deps,
            { ...a, submitted_at: submittedAt, score: result.score, passed: passed ? 1 : 0 },
            false,
            responses,
          ),
        });
      },
    );
}
