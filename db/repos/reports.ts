/**
 * The cohort report's queries: a handful of aggregates (GROUP BY learner × course), never one query
 * per learner, so a cohort of 500 learners answers as fast as one of 20.
 */
import { sql } from 'kysely';
import type { DB } from '../connection.ts';

export interface ModuleRow { user_id: number; course_id: string; module_id: string; viewed_at: string | null; completed_at: string | null; practice_best: number | null }
export interface AttemptSummaryRow { user_id: number; course_id: string; attempts: number; best: number | null; passed: number; failed: number; passed_at: string | null; last_at: string | null }

export function reportsRepo(db: DB) {
  const members = (cohortId: number) => db.selectFrom('cohort_members').select('user_id').where('cohort_id', '=', cohortId);
  return {
    learners: (cohortId: number) =>
      db
        .selectFrom('cohort_members')
        .innerJoin('users', 'users.id', 'cohort_members.user_id')
        .select(['users.id', 'users.full_name', 'users.email', 'users.role', 'users.active', 'cohort_members.joined_at'])
        .where('cohort_members.cohort_id', '=', cohortId)
        .orderBy('users.full_name')
        .orderBy('users.id')
        .execute(),

    /** Per learner × course × module: last viewed, first completed, best practice score. */
    modules: (cohortId: number, courseIds: string[]): Promise<ModuleRow[]> =>
      courseIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('progress_events')
            .select([
              'user_id', 'course_id', 'module_id',
              sql<string | null>`max(case when kind = 'viewed' then occurred_at end)`.as('viewed_at'),
              sql<string | null>`min(case when kind = 'completed' then occurred_at end)`.as('completed_at'),
              sql<number | null>`max(case when kind = 'practice' then score end)`.as('practice_best'),
            ])
            .where('user_id', 'in', members(cohortId))
            .where('course_id', 'in', courseIds)
            .groupBy(['user_id', 'course_id', 'module_id'])
            .execute(),

    /** Per learner × course: submitted attempts, best score, passes, failures. */
    attempts: (cohortId: number, courseIds: string[]): Promise<AttemptSummaryRow[]> =>
      courseIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('attempts')
            .select([
              'user_id', 'course_id',
              sql<number>`count(submitted_at)`.as('attempts'),
              sql<number | null>`max(score)`.as('best'),
              sql<number>`coalesce(sum(passed = 1), 0)`.as('passed'),
              sql<number>`coalesce(sum(passed = 0), 0)`.as('failed'),
              sql<string | null>`min(case when passed = 1 then submitted_at end)`.as('passed_at'),
              sql<string | null>`max(submitted_at)`.as('last_at'),
            ])
            .where('user_id', 'in', members(cohortId))
            .where('course_id', 'in', courseIds)
            .groupBy(['user_id', 'course_id'])
            .execute(),

    /** Per learner × course: the first completion. */
    completions: (cohortId: number, courseIds: string[]) =>
      courseIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('completions')
            .select(['user_id', 'course_id', sql<string>`min(completed_at)`.as('completed_at')])
            .where('user_id', 'in', members(cohortId))
            .where('course_id', 'in', courseIds)
            .groupBy(['user_id', 'course_id'])
            .execute(),

    /**
     * Per learner × course: the newest certificate that is not revoked. SQLite returns the bare
     * column `code` from the row holding max(issued_at) (documented SQLite behaviour).
     */
    certificates: (cohortId: number, courseIds: string[]) =>
      courseIds.length === 0
        ? Promise.resolve([])
        : db
            .selectFrom('certificates')
            .select(['user_id', 'course_id', 'code', sql<string>`max(issued_at)`.as('issued_at'), 'expires_at'])
            .where('user_id', 'in', members(cohortId))
            .where('course_id', 'in', courseIds)
            .where('revoked_at', 'is', null)
            .groupBy(['user_id', 'course_id'])
            .execute(),

    /** Submitted attempts at one course by the cohort's learners, with every stored response (item analysis). */
    async itemData(cohortId: number, courseId: string) {
      const [attempts, responses] = await Promise.all([
        db.selectFrom('attempts').select(['id', 'score']).where('course_id', '=', courseId).where('submitted_at', 'is not', null).where('user_id', 'in', members(cohortId)).execute(),
        db
          .selectFrom('attempt_responses')
          .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
          .select(['attempt_responses.attempt_id', 'attempt_responses.question_id', 'attempt_responses.response', 'attempt_responses.score'])
          .where('attempts.course_id', '=', courseId)
          .where('attempts.submitted_at', 'is not', null)
          .where('attempts.user_id', 'in', members(cohortId))
          .execute(),
      ]);
      return { attempts, responses };
    },

    /** One page of per-question responses (keyset on the response row id), for the streamed CSV. */
    responsesPage: (cohortId: number, courseIds: string[], afterRowid: number, limit: number) =>
      db
        .selectFrom('attempt_responses')
        .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
        .innerJoin('users', 'users.id', 'attempts.user_id')
        .select([
          sql<number>`attempt_responses.rowid`.as('rowid'),
          'attempt_responses.attempt_id', 'attempt_responses.question_id', 'attempt_responses.response', 'attempt_responses.score',
          'attempts.course_id', 'attempts.content_version', 'attempts.started_at', 'attempts.submitted_at', 'attempts.score as total', 'attempts.passed',
          'users.full_name', 'users.email',
        ])
        .where('attempts.user_id', 'in', members(cohortId))
        .where('attempts.course_id', 'in', courseIds.length ? courseIds : [''])
        .where('attempts.submitted_at', 'is not', null)
        .where(sql`attempt_responses.rowid`, '>', afterRowid)
        .orderBy(sql`attempt_responses.rowid`)
        .limit(limit)
        .execute(),

    /** Everything about one learner for the drill-down. */
    async learner(userId: number) {
      const [attempts, responses, completions, certificates] = await Promise.all([
        db.selectFrom('attempts').selectAll().where('user_id', '=', userId).orderBy('started_at').execute(),
        db
          .selectFrom('attempt_responses')
          .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
          .select(['attempt_responses.attempt_id', 'attempt_responses.question_id', 'attempt_responses.response', 'attempt_responses.score'])
          .where('attempts.user_id', '=', userId)
          .execute(),
        db.selectFrom('completions').select(['id', 'course_id', 'content_version', 'score', 'completed_at']).where('user_id', '=', userId).orderBy('completed_at').execute(),
        db.selectFrom('certificates').select(['code', 'course_id', 'content_version', 'score', 'issued_at', 'expires_at', 'revoked_at', 'revoked_reason']).where('user_id', '=', userId).orderBy('issued_at').execute(),
      ]);
      return { attempts, responses, completions, certificates };
    },
  };
}
