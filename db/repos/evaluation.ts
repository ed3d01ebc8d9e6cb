/**
 * The built-in evaluation's data (docs/evaluation.md): pre-tests, the anonymous reaction and follow-up
 * answers with their "has answered" marks, and the aggregates the programme dashboard shows.
 *
 * Anonymity: an answer row has a random id, the cohort, the course and the month — no learner id, no day,
 * no time. The mark that stops a second answer is (learner, course) with nothing else. Both are written in
 * one transaction, so neither exists without the other, and nothing joins them.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import {
  distribution,
  likertSummary,
  pairedSummary,
  responseRate,
  type LikertSummary,
  type PairedSummary,
  type ResponseRate,
} from '../../courses/evaluation-stats.ts';
import { REACTION_ITEMS, USAGE_LEVELS, type ReactionItem, type UsageLevel } from '../../courses/schema/evaluation.ts';
import type { Database } from '../schema.ts';

export interface ReactionAnswer {
  relevance: number;
  clarity: number;
  confidence: number;
  workload: number;
  comment: string | null;
}

export interface FollowUpAnswer {
  /** Per course outcome, by index. */
  usage: UsageLevel[];
  barriers: string[];
  comment: string | null;
}

/** What the aggregates need from the course (the repository reads no content). */
export interface SummaryCourse {
  courseId: string;
  /** Number of course outcomes (follow-up items). */
  outcomes: number;
  /** Follow-up barrier ids, in authored order. */
  barriers: readonly string[];
  /** Days after completion when the follow-up opens. */
  followUpAfterDays: number;
}

export interface EvaluationSummary {
  courseId: string;
  /** Distinct learners in the given (non-archived) cohorts. */
  learners: number;
  /** Level 2: pre-test / final pairs. `rate`: pairs ÷ learners who took the final. */
  learning: PairedSummary & { rate: ResponseRate };
  /** Level 1: `rate`: answers ÷ learners who completed the course. */
  reaction: {
    rate: ResponseRate;
    items: Record<ReactionItem, LikertSummary>;
    /** How many answers carry a free-text comment (the texts are not part of the aggregate). */
    comments: number;
  };
  /** Level 3: `rate`: answers ÷ learners whose follow-up has opened. */
  followUp: {
    rate: ResponseRate;
    /** Per outcome (by index): how many answered never / once / several times. */
    outcomes: Record<UsageLevel, number>[];
    /** How many named each barrier. */
    barriers: Record<string, number>;
  };
}

const DAY_MS = 86_400_000;
export const monthOf = (d: Date) => d.toISOString().slice(0, 7);

export function evaluationRepo(db: Kysely<Database>) {
  return {
    pretest(userId: number, courseId: string) {
      return db
        .selectFrom('evaluation_pretests')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .executeTakeFirst();
    },

    /** Store a drawn pre-test unless one exists; returns the learner's pre-test either way. */
    async startPretest(row: {
      userId: number;
      courseId: string;
      contentVersion: string;
      locale: 'uk' | 'en';
      questions: string;
      at: string;
    }) {
      await db
        .insertInto('evaluation_pretests')
        .values({
          user_id: row.userId,
          course_id: row.courseId,
          content_version: row.contentVersion,
          locale: row.locale,
          questions: row.questions,
          started_at: row.at,
        })
        .onConflict((oc) => oc.columns(['user_id', 'course_id']).doNothing())
        .execute();
      return (await this.pretest(row.userId, row.courseId))!;
    },

    /** Record the score once; false when the pre-test was already submitted. */
    async submitPretest(userId: number, courseId: string, score: number, at: string): Promise<boolean> {
      const r = await db
        .updateTable('evaluation_pretests')
        .set({ score, submitted_at: at })
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('submitted_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** Has the learner begun the course's content (any module completed, or a final attempt)? */
    async hasBegun(userId: number, courseId: string): Promise<boolean> {
      const [progress, attempt] = await Promise.all([
        db
          .selectFrom('progress_events')
          .select('id')
          .where('user_id', '=', userId)
          .where('course_id', '=', courseId)
          .where('kind', '=', 'completed')
          .limit(1)
          .executeTakeFirst(),
        db
          .selectFrom('attempts')
          .select('id')
          .where('user_id', '=', userId)
          .where('course_id', '=', courseId)
          .limit(1)
          .executeTakeFirst(),
      ]);
      return !!progress || !!attempt;
    },

    /** The learner's first completion of the course, or null. */
    async firstCompletion(userId: number, courseId: string): Promise<string | null> {
      const row = await db
        .selectFrom('completions')
        .select('completed_at')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .orderBy('completed_at')
        .limit(1)
        .executeTakeFirst();
      return row?.completed_at ?? null;
    },

    /** The cohort an answer counts for: the earliest-joined live cohort of the learner that assigns the course. */
    async cohortFor(userId: number, courseId: string): Promise<number | null> {
      const row = await db
        .selectFrom('cohort_members')
        .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
        .innerJoin('cohort_courses', 'cohort_courses.cohort_id', 'cohorts.id')
        .select('cohorts.id')
        .where('cohort_members.user_id', '=', userId)
        .where('cohort_courses.course_id', '=', courseId)
        .where('cohorts.archived_at', 'is', null)
        .orderBy('cohort_members.joined_at')
        .orderBy('cohorts.id')
        .limit(1)
        .executeTakeFirst();
      return row?.id ?? null;
    },

    async answered(kind: 'reaction' | 'followup', userId: number, courseId: string): Promise<boolean> {
      const table = kind === 'reaction' ? 'evaluation_reaction_marks' : 'evaluation_followup_marks';
      const row = await db
        .selectFrom(table)
        .select('user_id')
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .executeTakeFirst();
      return !!row;
    },

    /** Store a reaction answer and its mark together; false (nothing stored) when already answered. */
    answerReaction(userId: number, courseId: string, cohortId: number | null, now: Date, a: ReactionAnswer) {
      return db.transaction().execute(async (trx) => {
        const mark = await trx
          .insertInto('evaluation_reaction_marks')
          .values({ user_id: userId, course_id: courseId })
          .onConflict((oc) => oc.columns(['user_id', 'course_id']).doNothing())
          .executeTakeFirst();
        if (Number(mark.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
        await trx
          .insertInto('evaluation_reactions')
          .values({ id: randomUUID(), cohort_id: cohortId, course_id: courseId, month: monthOf(now), ...a })
          .execute();
        return true;
      });
    },

    /** Store a follow-up answer and its mark together; false when already answered. */
    answerFollowUp(userId: number, courseId: string, cohortId: number | null, now: Date, a: FollowUpAnswer) {
      return db.transaction().execute(async (trx) => {
        const mark = await trx
          .insertInto('evaluation_followup_marks')
          .values({ user_id: userId, course_id: courseId })
          .onConflict((oc) => oc.columns(['user_id', 'course_id']).doNothing())
          .executeTakeFirst();
        if (Number(mark.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
        await trx
          .insertInto('evaluation_followups')
          .values({
            id: randomUUID(),
            cohort_id: cohortId,
            course_id: courseId,
            month: monthOf(now),
            usage: JSON.stringify(a.usage),
            barriers: JSON.stringify(a.barriers),
            comment: a.comment,
          })
          .execute();
        return true;
      });
    },

    /**
     * Learners due a follow-up reminder: first completed `afterDays` or more before `now` (but not more
     * than `afterDays + openDays`), active, not erased, not yet answered.
     */
    async followUpsDue(courseId: string, now: Date, afterDays: number, openDays: number) {
      const opensBy = new Date(now.getTime() - afterDays * DAY_MS).toISOString();
      const closedBefore = new Date(now.getTime() - (afterDays + openDays) * DAY_MS).toISOString();
      const rows = await db
        .selectFrom('completions')
        .innerJoin('users', 'users.id', 'completions.user_id')
        .leftJoin('evaluation_followup_marks as m', (j) =>
          j.onRef('m.user_id', '=', 'completions.user_id').on('m.course_id', '=', courseId),
        )
        .select((eb) => [
          'users.id as userId',
          'users.email',
          'users.locale',
          eb.fn.min('completions.completed_at').as('completedAt'),
        ])
        .where('completions.course_id', '=', courseId)
        .where('users.active', '=', 1)
        .where('users.erased_at', 'is', null)
        .where('m.user_id', 'is', null)
        .groupBy(['users.id', 'users.email', 'users.locale'])
        .execute();
      return rows
        .map((r) => ({ ...r, completedAt: String(r.completedAt) }))
        .filter((r) => r.completedAt <= opensBy && r.completedAt > closedBefore);
    },

    /** The aggregates over a set of cohorts for one course (see `EvaluationSummary`). */
    async summary(cohortIds: readonly number[], course: SummaryCourse, now: Date): Promise<EvaluationSummary> {
      const ids = [...new Set(cohortIds)];
      const members = ids.length
        ? (
            await db
              .selectFrom('cohort_members')
              .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
              .select('cohort_members.user_id')
              .distinct()
              .where('cohort_members.cohort_id', 'in', ids)
              .where('cohorts.archived_at', 'is', null)
              .execute()
          ).map((r) => r.user_id)
        : [];
      const courseId = course.courseId;
      const none = members.length === 0;
      const [pretests, attempts, completions, reactions, followups] = await Promise.all([
        none
          ? []
          : db
              .selectFrom('evaluation_pretests')
              .select(['user_id', 'score', 'submitted_at'])
              .where('course_id', '=', courseId)
              .where('user_id', 'in', members)
              .where('submitted_at', 'is not', null)
              .execute(),
        none
          ? []
          : db
              .selectFrom('attempts')
              .select(['user_id', 'score', 'started_at'])
              .where('course_id', '=', courseId)
              .where('user_id', 'in', members)
              .where('submitted_at', 'is not', null)
              .where('score', 'is not', null)
              .orderBy('started_at')
              .execute(),
        none
          ? []
          : db
              .selectFrom('completions')
              .select((eb) => ['user_id', eb.fn.min('completed_at').as('first')])
              .where('course_id', '=', courseId)
              .where('user_id', 'in', members)
              .groupBy('user_id')
              .execute(),
        ids.length
          ? db
              .selectFrom('evaluation_reactions')
              .select(['relevance', 'clarity', 'confidence', 'workload', 'comment'])
              .where('course_id', '=', courseId)
              .where('cohort_id', 'in', ids)
              .execute()
          : [],
        ids.length
          ? db
              .selectFrom('evaluation_followups')
              .select(['usage', 'barriers'])
              .where('course_id', '=', courseId)
              .where('cohort_id', 'in', ids)
              .execute()
          : [],
      ]);

      // Level 2: the post-test is the first scored final attempt started after the pre-test was submitted.
      const finalTakers = new Set(attempts.map((a) => a.user_id));
      const pairs = pretests.flatMap((p) => {
        const post = attempts.find((a) => a.user_id === p.user_id && a.started_at >= p.submitted_at!);
        return post ? [{ pre: p.score!, post: post.score! }] : [];
      });

      const opensBy = new Date(now.getTime() - course.followUpAfterDays * DAY_MS).toISOString();
      const followUpEligible = completions.filter((c) => String(c.first) <= opensBy).length;
      const usages = followups.map((f) => JSON.parse(f.usage) as UsageLevel[]);
      const barrierIds = followups.flatMap((f) => JSON.parse(f.barriers) as string[]);

      return {
        courseId,
        learners: members.length,
        learning: { ...pairedSummary(pairs), rate: responseRate(pairs.length, finalTakers.size) },
        reaction: {
          rate: responseRate(reactions.length, completions.length),
          items: Object.fromEntries(
            REACTION_ITEMS.map((item) => [item, likertSummary(reactions.map((r) => r[item]))]),
          ) as Record<ReactionItem, LikertSummary>,
          comments: reactions.filter((r) => r.comment).length,
        },
        followUp: {
          rate: responseRate(followups.length, followUpEligible),
          outcomes: Array.from({ length: course.outcomes }, (_, i) =>
            distribution(
              usages.map((u) => u[i]).filter((u): u is UsageLevel => !!u),
              USAGE_LEVELS,
            ),
          ),
          barriers: distribution(
            barrierIds.filter((b) => course.barriers.includes(b)),
            course.barriers,
          ),
        },
      };
    },
  };
}
