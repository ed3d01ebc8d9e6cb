/**
 * Graded final assessments. The server draws the questions and scores the answers with the shared
 * engine (courses/scoring.ts); questions leave the server without keys or feedback, under ids that
 * belong to the attempt (courses/attempt-ids.ts).
 *
 * The clock is the server's (issue #18, item 4): the limit runs from the server-side start; answers
 * are saved as the learner goes (`PUT /attempts/:id/answers`) until the deadline plus NETWORK_SLACK;
 * after that the attempt is scored from the answers the server holds. A submission that arrives later
 * (finished offline) is kept as late, pending review, and counts only if the cohort's instructor
 * accepts it (api/routes/late-attempts.ts). What the device says about its elapsed time is evidence
 * for that instructor, never a reason to accept.
 */
import { z } from 'zod';
import { drawAttempt } from '../../courses/attempt-ids.ts';
import { responseSchema, type Response } from '../../courses/schema/question.ts';
import { attemptsRepo } from '../../db/repos/attempts.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { LEARNER_ROLES, type Attempt } from '../../db/schema.ts';
import {
  closeIfExpired,
  OFFLINE_GRACE_MS,
  openView,
  pastDeadline,
  poolOf,
  readResponses,
  resultView,
  scoreResponses,
} from '../attempt-core.ts';
import { attemptMask } from '../attempt-mask.ts';
import { checkCompletion } from '../completion.ts';
import { attemptGraded } from '../attempt-events.ts';
import { cycleOf } from '../completion.ts';
import { attemptsInCycle } from '../../courses/cycles.ts';
import type { Deps } from '../deps.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import {
  AnswersSaved,
  AttemptList,
  AttemptView,
  START_EXAMPLE,
  StartedAttempt,
  SubmittedAttempt,
} from './schemas/attempts.ts';
import { canSeeLearnerRecord } from '../access.ts';

export { NETWORK_SLACK_MS, OFFLINE_GRACE_MS } from '../attempt-core.ts';
const LEARNERS = LEARNER_ROLES;

const responses = z
  .record(z.string().max(80), responseSchema)
  .refine((r) => Object.keys(r).length <= 200, 'at most 200 responses');

export const startBody = z.object({ locale: z.enum(['uk', 'en']).default('uk') }).strict();
export const submitBody = z
  .object({
    /** Responses keyed by question id, under the ids this attempt sent. */
    responses,
    /** Milliseconds from receiving the attempt to pressing "submit", by the device's clock: evidence for a late review only. */
    elapsed_ms: z
      .number()
      .int()
      .min(0)
      .max(7 * 24 * 3600 * 1000)
      .optional(),
  })
  .strict();
export const answersBody = z
  .object({
    /** Answers keyed by question id, under the ids this attempt sent; `null` clears an answer. */
    answers: z
      .record(z.string().max(80), responseSchema.nullable())
      .refine((r) => Object.keys(r).length <= 200, 'at most 200 answers'),
  })
  .strict();

const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;

/** The attempt, owned by the caller, with its deadline applied. */
async function ownAttempt(deps: Deps, userId: number, id: string): Promise<Attempt> {
  const a = await attemptsRepo(deps.db).byId(id);
  if (!a) throw notFound('attempt');
  if (a.user_id !== userId) throw forbidden('this attempt belongs to someone else');
  return closeIfExpired(deps, a);
}

export function attemptRoutes() {
  return new Resource('/api', 'assessment')
    .route(
      {
        method: 'get',
        path: '/courses/:courseId/attempts',
        response: AttemptList,
        errors: [404],
        summary: "My attempts at a course's final assessment and how many are left",
        access: 'authenticated',
        params: z.object({ courseId: z.string().max(80) }).strict(),
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const { settings, course } = poolOf(deps, params.courseId);
        const user = c.get('user')!;
        // Expired attempts are scored at their deadline first, so the cycle below sees their result.
        await Promise.all(
          (await attemptsRepo(deps.db).forUser(user.id, params.courseId)).map((a) => closeIfExpired(deps, a)),
        );
        // Attempts are counted per certification cycle (a renewal starts afresh; issue #18, item 6).
        const { cycle, attempts: mine } = await cycleOf(deps, user.id, course);
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
            late: a.late_status,
          })),
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/courses/:courseId/attempts',
        response: StartedAttempt,
        status: 201,
        errors: [404, 409],
        example: START_EXAMPLE,
        summary: 'Start a graded attempt: draws the questions (no answer keys, ids of this attempt only)',
        access: LEARNERS,
        params: z.object({ courseId: z.string().max(80) }).strict(),
        body: startBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { pool, settings, course } = poolOf(deps, params.courseId);
        const repo = attemptsRepo(deps.db);
        await Promise.all((await repo.forUser(user.id, course.id)).map((a) => closeIfExpired(deps, a)));
        const { cycle, attempts: mine } = await cycleOf(deps, user.id, course);
        const open = mine.find((a) => !a.submitted_at);
        if (open)
          throw new AppError(409, 'conflict', `an attempt is already open (${open.id}); finish it first`, {
            attempt: open.id,
          });
        // Every attempt of this cycle counts (an open one was refused above; expired ones were closed).
        const used = attemptsInCycle(cycle, mine).length;
        if (settings.maxAttempts && used >= settings.maxAttempts)
          throw new AppError(
            409,
            'conflict',
            cycle.completed && cycle.nextOpensAt
              ? `no attempts left in this cycle (limit ${settings.maxAttempts}); renewal opens on ${cycle.nextOpensAt.slice(0, 10)}`
              : `no attempts left (limit ${settings.maxAttempts})`,
          );
        const drawn = drawAttempt([...pool.values()], settings.questions, random, attemptMask());
        const id = crypto.randomUUID();
        const now = deps.now();
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
        return c.json({ attempt: await openView(deps, (await repo.byId(id))!) }, 201);
      },
    )
    .route(
      {
        method: 'get',
        path: '/attempts/:id',
        response: AttemptView,
        errors: [404],
        summary: 'An attempt: questions and saved answers while open (to resume), the result once submitted',
        access: 'authenticated',
        params: z.object({ id: z.string().uuid() }).strict(),
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const found = await attemptsRepo(deps.db).byId(params.id);
        if (!found) throw notFound('attempt');
        if (
          !(await canSeeLearnerRecord(deps, user, found.user_id, { courseId: found.course_id, at: found.started_at }))
        )
          throw forbidden('this attempt belongs to someone else');
        const a = await closeIfExpired(deps, found);
        if (!a.submitted_at)
          return c.json({
            attempt:
              a.user_id === user.id
                ? await openView(deps, a)
                : { id: a.id, submitted: false, started_at: a.started_at },
          });
        return c.json({ attempt: await resultView(deps, a, a.user_id !== user.id) });
      },
    )
    .route(
      {
        method: 'put',
        path: '/attempts/:id/answers',
        response: AnswersSaved,
        errors: [404, 409],
        summary:
          'Save answers as the learner goes (idempotent, last write wins per question; refused after the deadline)',
        access: 'authenticated',
        params: z.object({ id: z.string().uuid() }).strict(),
        body: answersBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const a = await ownAttempt(deps, c.get('user')!.id, params.id);
        if (a.submitted_at)
          throw a.finished_by === 'deadline'
            ? new AppError(
                409,
                'time_limit_exceeded',
                'the time limit has passed: the answers saved in time were scored',
              )
            : new AppError(409, 'conflict', 'this attempt was already submitted');
        const answers = readResponses(deps, a, body.answers, true);
        const savedAt = deps.now().toISOString();
        await attemptsRepo(deps.db).saveAnswers(
          a.id,
          [...answers].map(([question_id, r]) => ({ question_id, response: r === null ? null : JSON.stringify(r) })),
          savedAt,
        );
        return c.json({ saved: answers.size, saved_at: savedAt, deadline_at: a.deadline_at });
      },
    )
    .route(
      {
        method: 'post',
        path: '/attempts/:id/submit',
        response: SubmittedAttempt,
        status: [200, 202],
        errors: [404, 409],
        summary:
          "Submit the answers; scored on the server; returns the result the course's review policy allows (202: late, pending review)",
        access: 'authenticated',
        params: z.object({ id: z.string().uuid() }).strict(),
        body: submitBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = attemptsRepo(deps.db);
        const a = await ownAttempt(deps, user.id, params.id);
        if (a.submitted_at && (a.finished_by !== 'deadline' || a.late_status))
          throw new AppError(409, 'conflict', 'this attempt was already submitted');
        const given = readResponses(deps, a, body.responses) as Map<string, Response>;
        const now = deps.now();
        if (a.finished_by === 'deadline' || pastDeadline(a, now)) {
          // Finished after the deadline (offline): kept for the instructor, never counted on its own.
          if (now.getTime() > Date.parse(a.deadline_at!) + OFFLINE_GRACE_MS)
            throw new AppError(
              409,
              'time_limit_exceeded',
              'the time limit for this attempt has passed: the answers saved before the deadline were scored',
            );
          const late = scoreResponses(deps, a, Object.fromEntries(given));
          const kept = await repo.recordLate({
            id: a.id,
            submitted_at: now.toISOString(),
            elapsed_ms: body.elapsed_ms ?? null,
            responses: JSON.stringify(Object.fromEntries(given)),
            score: late.score,
          });
          if (!kept) throw new AppError(409, 'conflict', 'this attempt was already submitted');
          await auditRepo(deps.db).record({
            event: 'attempt.late_submitted',
            actor_id: user.id,
            target: a.id,
            details: { course: a.course_id, elapsed_ms: body.elapsed_ms ?? null },
          });
          return c.json({ attempt: await resultView(deps, (await repo.byId(a.id))!) }, 202);
        }
        // On time: the submission is the last write for each question it answers; saved answers fill the rest.
        const saved = await repo.saves(a.id);
        const all: Record<string, Response> = Object.fromEntries(
          saved.map((s) => [s.question_id, JSON.parse(s.response) as Response]),
        );
        for (const [qid, r] of given) all[qid] = r;
        const r = scoreResponses(deps, a, all);
        const submittedAt = now.toISOString();
        const stored = await repo.submit(deps.storage, {
          id: a.id,
          submitted_at: submittedAt,
          score: r.score,
          passed: r.passed,
          responses: r.rows,
        });
        if (!stored) throw new AppError(409, 'conflict', 'this attempt was already submitted');
        await attemptGraded(deps, {
          attemptId: a.id,
          userId: user.id,
          courseId: a.course_id,
          score: r.score,
          passed: r.passed,
          submittedAt,
        });
        if (r.passed) await checkCompletion(deps, user.id, a.course_id);
        return c.json({
          attempt: await resultView(
            deps,
            { ...a, submitted_at: submittedAt, score: r.score, passed: r.passed ? 1 : 0, finished_by: 'learner' },
            false,
            r.rows,
          ),
        });
      },
    );
}
