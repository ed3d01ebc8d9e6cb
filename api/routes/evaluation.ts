/**
 * The built-in evaluation (issue #23 item 4, docs/evaluation.md): a learner's pre-test before module 1
 * (drawn and scored on the server by the one scoring engine, keys never sent, ids opaque like the
 * final's), the anonymous reaction questionnaire after completion, the anonymous follow-up `afterDays`
 * after completion, and the per-cohort aggregates for the cohort's instructor and admins.
 */
import { z } from 'zod';
import { drawAttempt, maskedQuestion, unmaskResponse, type MaskedDraw } from '../../courses/attempt-ids.ts';
import type { LoadedEvaluation } from '../../courses/catalog.ts';
import { scoreAttempt, responseShapeError } from '../../courses/scoring.ts';
import { USAGE_LEVELS } from '../../courses/schema/evaluation.ts';
import { responseSchema, type Response } from '../../courses/schema/question.ts';
import { evaluationRepo, type EvaluationSummary } from '../../db/repos/evaluation.ts';
import { LEARNER_ROLES } from '../../db/schema.ts';
import { canSeeCohort } from '../access.ts';
import { attemptMask } from '../attempt-mask.ts';
import type { Deps } from '../deps.ts';
import { AppError, forbidden } from '../errors.ts';
import { Resource } from '../route.ts';
import { EvaluationSteps } from './schemas/progress.ts';

const DAY_MS = 86_400_000;
/** Aggregates describing fewer people than this are withheld (the "<5" rule). */
export const MIN_CELL = 5;

const random = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
const courseParams = z.object({ courseId: z.string().max(80) }).strict();

function evaluationOf(deps: Pick<Deps, 'catalog'>, courseId: string) {
  const loaded = deps.catalog.courses.get(courseId);
  if (!loaded) throw new AppError(404, 'not_found', `unknown course "${courseId}"`);
  if (!loaded.evaluation) throw new AppError(404, 'not_found', `course "${courseId}" has no evaluation`);
  return { course: loaded.course, evaluation: loaded.evaluation };
}

function pretestPool(courseId: string, evaluation: LoadedEvaluation) {
  if (!evaluation.pretest.pool)
    throw new AppError(404, 'not_found', `course "${courseId}" has no pre-test on this server`);
  return evaluation.pretest.pool;
}

export type StepState = 'not-yet' | 'open' | 'done' | 'closed';

export interface EvaluationState {
  pretest: { state: 'open' | 'started' | 'done' | 'closed'; score: number | null };
  reaction: { state: StepState };
  followUp: { state: StepState; opensAt: string | null; closesAt: string | null };
}

/** Where a learner stands with a course's evaluation (also shown on "My learning"). */
export async function evaluationState(
  deps: Pick<Deps, 'db' | 'catalog' | 'now'>,
  userId: number,
  courseId: string,
): Promise<EvaluationState | null> {
  const evaluation = deps.catalog.courses.get(courseId)?.evaluation;
  if (!evaluation) return null;
  const repo = evaluationRepo(deps.db);
  const [pretest, begun, completedAt, reacted, followed] = await Promise.all([
    repo.pretest(userId, courseId),
    repo.hasBegun(userId, courseId),
    repo.firstCompletion(userId, courseId),
    repo.answered('reaction', userId, courseId),
    repo.answered('followup', userId, courseId),
  ]);
  const now = deps.now().getTime();
  const opens = completedAt ? Date.parse(completedAt) + evaluation.followUp.afterDays * DAY_MS : null;
  const closes = opens !== null ? opens + evaluation.followUp.openDays * DAY_MS : null;
  return {
    pretest: {
      state: pretest?.submitted_at ? 'done' : pretest ? 'started' : begun ? 'closed' : 'open',
      score: pretest?.score ?? null,
    },
    reaction: { state: reacted ? 'done' : completedAt ? 'open' : 'not-yet' },
    followUp: {
      state: followed
        ? 'done'
        : opens === null || now < opens
          ? 'not-yet'
          : closes !== null && now >= closes
            ? 'closed'
            : 'open',
      opensAt: opens !== null ? new Date(opens).toISOString() : null,
      closesAt: closes !== null ? new Date(closes).toISOString() : null,
    },
  };
}

const likert = z.number().int().min(1, 'answer on the scale 1–5').max(5, 'answer on the scale 1–5');
const comment = z
  .string()
  .trim()
  .max(2000)
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .optional();

export const reactionBody = z
  .object({ relevance: likert, clarity: likert, confidence: likert, workload: likert, comment })
  .strict();
export const followUpBody = z
  .object({
    /** Per course outcome, in the course's order. */
    usage: z.array(z.enum(USAGE_LEVELS)).min(1).max(20),
    /** Ids of what got in the way (the course's barrier list). */
    barriers: z.array(z.string().max(80)).max(12),
    comment,
  })
  .strict();
const pretestSubmitBody = z
  .object({
    responses: z
      .record(z.string().max(80), responseSchema)
      .refine((r) => Object.keys(r).length <= 60, 'at most 60 responses'),
  })
  .strict();

const stateSchema = EvaluationSteps;
const publicQuestionSchema = z
  .object({ id: z.string(), type: z.string(), stem: z.string() })
  .passthrough()
  .describe('a question without keys or feedback (courses/assessment.ts PublicQuestion)');
const rateSchema = z.object({ responded: z.number(), eligible: z.number(), rate: z.number().nullable() });
const summarySchema = z
  .object({
    courseId: z.string(),
    learners: z.number(),
    suppressed: z.array(z.enum(['learning', 'reaction', 'followUp'])),
    learning: z.object({ n: z.number(), rate: rateSchema }).passthrough(),
    reaction: z.object({ rate: rateSchema }).passthrough(),
    followUp: z.object({ rate: rateSchema }).passthrough(),
  })
  .describe('EvaluationSummary (db/repos/evaluation.ts), with parts about fewer than 5 people withheld');

/**
 * Withhold every figure of a level answered by fewer than MIN_CELL people (the response rate stays:
 * it is a count of answers, not their content, and the dashboard shows it next to every figure).
 */
export function suppressSmall(s: EvaluationSummary) {
  const suppressed: ('learning' | 'reaction' | 'followUp')[] = [];
  const out: Record<string, unknown> = { ...s };
  if (s.learning.n < MIN_CELL) {
    suppressed.push('learning');
    out.learning = { n: s.learning.n, rate: s.learning.rate };
  }
  if (s.reaction.rate.responded < MIN_CELL) {
    suppressed.push('reaction');
    out.reaction = { rate: s.reaction.rate };
  }
  if (s.followUp.rate.responded < MIN_CELL) {
    suppressed.push('followUp');
    out.followUp = { rate: s.followUp.rate };
  }
  return { ...out, suppressed };
}

export function evaluationRoutes() {
  return new Resource('/api/evaluation', 'evaluation')
    .route(
      {
        method: 'get',
        path: '/:courseId',
        summary: "Where I stand with a course's evaluation: pre-test, reaction questionnaire, follow-up",
        access: LEARNER_ROLES,
        params: courseParams,
        response: stateSchema,
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        evaluationOf(deps, params.courseId);
        return c.json((await evaluationState(deps, c.get('user')!.id, params.courseId))!);
      },
    )
    .route(
      {
        method: 'post',
        path: '/:courseId/pretest',
        summary: 'Start (or resume) my pre-test: questions without keys, under ids of this pre-test only',
        access: LEARNER_ROLES,
        params: courseParams,
        body: z.object({ locale: z.enum(['uk', 'en']).default('uk') }).strict(),
        response: z.object({ started_at: z.string(), questions: z.array(publicQuestionSchema) }),
        status: 201,
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { course, evaluation } = evaluationOf(deps, params.courseId);
        const pool = pretestPool(course.id, evaluation);
        const repo = evaluationRepo(deps.db);
        let row = await repo.pretest(user.id, course.id);
        if (row?.submitted_at) throw new AppError(409, 'conflict', 'you have already taken the pre-test');
        if (!row) {
          if (await repo.hasBegun(user.id, course.id))
            throw new AppError(
              409,
              'conflict',
              'the pre-test is taken before module 1; you have already begun the course',
            );
          const drawn = drawAttempt(pool, evaluation.pretest.questions, random, attemptMask());
          row = await repo.startPretest({
            userId: user.id,
            courseId: course.id,
            contentVersion: course.version,
            locale: body.locale,
            questions: JSON.stringify(drawn),
            at: deps.now().toISOString(),
          });
        }
        const byId = new Map(pool.map((q) => [q.id, q]));
        const drawn = JSON.parse(row.questions) as MaskedDraw[];
        return c.json(
          {
            started_at: row.started_at,
            questions: drawn.flatMap((d) => {
              const q = byId.get(d.id);
              return q ? [maskedQuestion(q, body.locale, d)] : [];
            }),
          },
          201,
        );
      },
    )
    .route(
      {
        method: 'post',
        path: '/:courseId/pretest/submit',
        summary: 'Submit my pre-test: scored on the server; only the score comes back (no review before the course)',
        access: LEARNER_ROLES,
        params: courseParams,
        body: pretestSubmitBody,
        response: z.object({ score: z.number() }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { course, evaluation } = evaluationOf(deps, params.courseId);
        const pool = new Map(pretestPool(course.id, evaluation).map((q) => [q.id, q]));
        const repo = evaluationRepo(deps.db);
        const row = await repo.pretest(user.id, course.id);
        if (!row) throw new AppError(409, 'conflict', 'start the pre-test first');
        if (row.submitted_at) throw new AppError(409, 'conflict', 'you have already taken the pre-test');
        const drawn = (JSON.parse(row.questions) as MaskedDraw[]).filter((d) => pool.has(d.id));
        const byId = new Map(drawn.map((d) => [d.id, d]));
        const fields: Record<string, string> = {};
        const responses: Record<string, Response> = {};
        for (const [qid, r] of Object.entries(body.responses)) {
          const d = byId.get(qid);
          const q = pool.get(qid);
          if (!d || !q) {
            fields[`responses.${qid}`] = 'this question is not part of your pre-test';
            continue;
          }
          const mapped = unmaskResponse(q, d, r);
          const err = 'error' in mapped ? mapped.error : responseShapeError(q, mapped.response);
          if (err) fields[`responses.${qid}`] = err;
          else if ('response' in mapped) responses[qid] = mapped.response;
        }
        const first = Object.entries(fields)[0];
        if (first) throw new AppError(400, 'validation_failed', `invalid body "${first[0]}": ${first[1]}`, fields);
        const { score } = scoreAttempt(
          drawn.map((d) => pool.get(d.id)!),
          responses,
        );
        if (!(await repo.submitPretest(user.id, course.id, score, deps.now().toISOString())))
          throw new AppError(409, 'conflict', 'you have already taken the pre-test');
        return c.json({ score });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:courseId/reaction',
        summary: 'Answer the end-of-course questionnaire once (stored without my id: cohort, course and month only)',
        access: LEARNER_ROLES,
        params: courseParams,
        body: reactionBody,
        response: z.object({ recorded: z.literal(true) }),
        status: 201,
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { course } = evaluationOf(deps, params.courseId);
        const repo = evaluationRepo(deps.db);
        if (!(await repo.firstCompletion(user.id, course.id)))
          throw new AppError(409, 'conflict', 'the questionnaire opens when you have completed the course');
        const cohort = await repo.cohortFor(user.id, course.id);
        const answer = {
          relevance: body.relevance,
          clarity: body.clarity,
          confidence: body.confidence,
          workload: body.workload,
          comment: body.comment ?? null,
        };
        if (!(await repo.answerReaction(user.id, course.id, cohort, deps.now(), answer)))
          throw new AppError(409, 'conflict', 'you have already answered this questionnaire');
        return c.json({ recorded: true as const }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/:courseId/follow-up',
        summary: 'Answer the follow-up once it is open (anonymous: cohort, course and month only)',
        access: LEARNER_ROLES,
        params: courseParams,
        body: followUpBody,
        response: z.object({ recorded: z.literal(true) }),
        status: 201,
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { course, evaluation } = evaluationOf(deps, params.courseId);
        const outcomes = course.outcomes.uk.length;
        if (body.usage.length !== outcomes)
          throw new AppError(
            400,
            'validation_failed',
            `invalid body "usage": give one answer per outcome (${outcomes})`,
            {
              usage: `expected ${outcomes} answers`,
            },
          );
        const known = new Set(evaluation.followUp.barriers.map((b) => b.id));
        const unknown = body.barriers.find((b) => !known.has(b));
        if (unknown !== undefined)
          throw new AppError(
            400,
            'validation_failed',
            `invalid body "barriers": unknown option "${unknown.slice(0, 40)}"`,
            {
              barriers: `expected some of ${[...known].join(', ')}`,
            },
          );
        const state = await evaluationState(deps, user.id, course.id);
        if (state!.followUp.state === 'done')
          throw new AppError(409, 'conflict', 'you have already answered the follow-up');
        if (state!.followUp.state !== 'open')
          throw new AppError(
            409,
            'conflict',
            state!.followUp.state === 'closed'
              ? 'the follow-up for this course has closed'
              : `the follow-up opens ${evaluation.followUp.afterDays} days after you complete the course`,
          );
        const cohort = await evaluationRepo(deps.db).cohortFor(user.id, course.id);
        const ok = await evaluationRepo(deps.db).answerFollowUp(user.id, course.id, cohort, deps.now(), {
          usage: body.usage,
          barriers: [...new Set(body.barriers)],
          comment: body.comment ?? null,
        });
        if (!ok) throw new AppError(409, 'conflict', 'you have already answered the follow-up');
        return c.json({ recorded: true as const }, 201);
      },
    )
    .route(
      {
        method: 'get',
        path: '/:courseId/summary',
        summary:
          'Evaluation aggregates of a course over cohorts I may see (gain, d_z with CI, reaction, follow-up, response rates; <5 withheld)',
        access: ['instructor', 'admin'],
        params: courseParams,
        query: z
          .object({
            cohorts: z
              .string()
              .max(2000)
              .regex(/^\d{1,9}(,\d{1,9}){0,199}$/, 'a comma-separated list of cohort ids'),
          })
          .strict(),
        response: summarySchema,
        errors: [404],
      },
      async (c, { params, query }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const { course, evaluation } = evaluationOf(deps, params.courseId);
        const ids = [...new Set(query.cohorts.split(',').map(Number))];
        for (const id of ids) if (!(await canSeeCohort(deps, user, id))) throw forbidden(`you cannot see cohort ${id}`);
        const summary = await evaluationRepo(deps.db).summary(
          ids,
          {
            courseId: course.id,
            outcomes: course.outcomes.uk.length,
            barriers: evaluation.followUp.barriers.map((b) => b.id),
            followUpAfterDays: evaluation.followUp.afterDays,
          },
          deps.now(),
        );
        return c.json(suppressSmall(summary));
      },
    );
}
