/**
 * The cohort report's queries: a handful of aggregates (GROUP BY learner × course), never one query
 * per learner, so a cohort of 500 learners answers as fast as one of 20. The report's own facts are
 * read as one JSON document (`cohortFacts`); the write generation tells when they may have changed.
 */
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../connection.ts';
import type { Storage } from '../storage.ts';
import { writeGeneration, type SqliteStorage } from '../sqlite/storage.ts';
import { sqliteCohortFacts } from '../sqlite/report-facts.ts';
import { walPosition } from '../postgres/storage.ts';
import { onPostgres } from '../portable.ts';
import type { Database, Role } from '../schema.ts';

/** A course assigned to the cohort, with its due date. */
export interface AssignedCourse {
  course_id: string;
  due_on: string | null;
}
/** A member of the cohort, as the report lists them. */
export interface LearnerRow {
  id: number;
  full_name: string;
  email: string;
  role: Role;
  active: number;
  joined_at: string;
}
/** Learner × course × module with any progress event: the first completion (null when only viewed or practised). */
export type ModuleFact = [userId: number, courseId: string, moduleId: string, completedAt: string | null];
/** Learner × course with any attempt: submitted attempts, best score (null when none is scored), passes, failures. */
export type AttemptFact = [
  userId: number,
  courseId: string,
  attempts: number,
  best: number | null,
  passed: number,
  failed: number,
];
/** Learner × course: the first completion. */
export type CompletionFact = [userId: number, courseId: string, completedAt: string];
/** Learner × course: the newest certificate that is not revoked. */
export type CertificateFact = [userId: number, courseId: string, code: string, issuedAt: string];

/** Everything the cohort report is computed from, read in one synchronous go (one consistent view). */
export interface CohortFacts {
  courses: AssignedCourse[];
  learners: LearnerRow[];
  modules: ModuleFact[];
  attempts: AttemptFact[];
  completions: CompletionFact[];
  certificates: CertificateFact[];
}

/** The keys of the fact document, in the order of the query's columns. */
export const FACT_KEYS = ['courses', 'learners', 'modules', 'attempts', 'completions', 'certificates'] as const;

/** The cohort's members with their accounts, by name. */
const learnersQuery = (db: DB, cohortId: number) =>
  db
    .selectFrom('cohort_members')
    .innerJoin('users', 'users.id', 'cohort_members.user_id')
    .select(['users.id', 'users.full_name', 'users.email', 'users.role', 'users.active', 'cohort_members.joined_at'])
    .where('cohort_members.cohort_id', '=', cohortId)
    .orderBy('users.full_name')
    .orderBy('users.id');

/**
 * The six fact queries, each with its columns (in the order of the fact's tuple) and, for the two
 * lists, the order they are read in. `cohort` is the cohort id's value (SQLite prepares them once
 * with a sentinel; see `factStatement`).
 */
export function factQueries(db: DB, COHORT: number) {
  const pg = onPostgres(db);
  const members = db.selectFrom('cohort_members').select('user_id').where('cohort_id', '=', COHORT);
  const assigned = db.selectFrom('cohort_courses').select('course_id').where('cohort_id', '=', COHORT);
  /**
   * Records made after their learner joined the cohort: what a learner did in another cohort before
   * stays out of this cohort's report (ASVS 8.2.2). A primary-key look-up per row, next to the
   * `user_id in members` that keeps the index search; attempts go by `submitted_at`, which is in
   * their covering index (open attempts do not count in the report anyway).
   */
  const madeWhileMember = (table: 'attempts' | 'completions' | 'certificates', column: string) =>
    sql<boolean>`exists (select 1 from cohort_members m where m.cohort_id = ${COHORT} and m.user_id = ${sql.ref(
      `${table}.user_id`,
    )} and m.joined_at <= ${sql.ref(`${table}.${column}`)}) and exists (select 1 from cohort_courses a where a.cohort_id = ${COHORT} and a.course_id = ${sql.ref(
      `${table}.course_id`,
    )} and a.assigned_at <= ${sql.ref(`${table}.${column}`)})`;
  return {
    courses: {
      query: db.selectFrom('cohort_courses').select(['course_id', 'due_on']).where('cohort_id', '=', COHORT),
      columns: ['course_id', 'due_on'],
      shape: 'object' as const,
      order: ['course_id'],
    },
    learners: {
      query: learnersQuery(db, COHORT).clearOrderBy(),
      columns: ['id', 'full_name', 'email', 'role', 'active', 'joined_at'],
      shape: 'object' as const,
      order: ['full_name', 'id'],
    },
    // Only columns of the covering index progress_events_report: no table look-up per event.
    modules: {
      query: db
        .selectFrom('progress_events')
        .select([
          'user_id',
          'course_id',
          'module_id',
          sql<string | null>`min(case when kind = 'completed' then occurred_at end)`.as('completed_at'),
        ])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .groupBy(['user_id', 'course_id', 'module_id']),
      columns: ['user_id', 'course_id', 'module_id', 'completed_at'],
      shape: 'array' as const,
    },
    attempts: {
      query: db
        .selectFrom('attempts')
        .select([
          'user_id',
          'course_id',
          sql<number>`count(submitted_at)`.as('attempts'),
          sql<number | null>`max(score)`.as('best'),
          (pg ? sql<number>`count(*) filter (where passed)` : sql<number>`coalesce(sum(passed = 1), 0)`).as('passed'),
          (pg ? sql<number>`count(*) filter (where not passed)` : sql<number>`coalesce(sum(passed = 0), 0)`).as(
            'failed',
          ),
        ])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where(madeWhileMember('attempts', 'submitted_at'))
        .groupBy(['user_id', 'course_id']),
      columns: ['user_id', 'course_id', 'attempts', 'best', 'passed', 'failed'],
      shape: 'array' as const,
    },
    completions: {
      query: db
        .selectFrom('completions')
        .select(['user_id', 'course_id', sql<string>`min(completed_at)`.as('completed_at')])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where(madeWhileMember('completions', 'completed_at'))
        .groupBy(['user_id', 'course_id']),
      columns: ['user_id', 'course_id', 'completed_at'],
      shape: 'array' as const,
    },
    // The code of the newest certificate: SQLite returns the bare column `code` from the row holding
    // max(issued_at) (documented SQLite behaviour); PostgreSQL takes the first of the codes newest first.
    certificates: {
      query: db
        .selectFrom('certificates')
        .select([
          'user_id',
          'course_id',
          pg ? sql<string>`(array_agg(code order by issued_at desc))[1]`.as('code') : 'code',
          sql<string>`max(issued_at)`.as('issued_at'),
        ])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where('revoked_at', 'is', null)
        .where(madeWhileMember('certificates', 'issued_at'))
        .groupBy(['user_id', 'course_id']),
      columns: ['user_id', 'course_id', 'code', 'issued_at'],
      shape: 'array' as const,
    },
  };
}

export { writeGeneration };

/**
 * PostgreSQL: the six fact queries in one read-only REPEATABLE READ transaction (one consistent
 * snapshot), rows turned into the same tuples SQLite's JSON gives. The generation (WAL position) is
 * read before the snapshot is taken, so a write the snapshot misses always moves it.
 */
async function pgCohortFacts(db: DB, cohortId: number): Promise<CohortFacts & { generation: string }> {
  const generation = await walPosition(db);
  const facts = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const q = factQueries(trx, cohortId);
      const out: Record<string, unknown[]> = {};
      for (const k of FACT_KEYS) {
        const f = q[k];
        let query = f.query as SelectQueryBuilder<Database, never, Record<string, unknown>>;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        if ('order' in f) for (const c of f.order) query = query.orderBy(sql.ref(c) as any);
        const rows = await query.execute();
        out[k] = f.shape === 'object' ? rows : rows.map((r) => f.columns.map((c) => r[c]));
      }
      return out as unknown as CohortFacts;
    });
  return { generation, ...facts };
}

/**
 * Report queries. `storage` (needed by `cohortFacts` only) says which engine `db` is on; pass
 * `storage.read` as `db` for the reads that may go to a replica.
 */
export function reportsRepo(db: DB, storage?: Pick<Storage, 'engine'>) {
  /**
   * Attempts started while their learner was a member of the cohort: a learner who joins an
   * instructor's cohort does not bring along what they answered in another cohort (ASVS 8.2.2).
   */
  const whileMember =
    (cohortId: number) =>
    ({ and, exists, selectFrom }: ExpressionBuilder<Database, 'attempts'>) =>
      and([
        exists(
          selectFrom('cohort_members')
            .select('cohort_members.user_id')
            .where('cohort_members.cohort_id', '=', cohortId)
            .whereRef('cohort_members.user_id', '=', 'attempts.user_id')
            .whereRef('cohort_members.joined_at', '<=', 'attempts.started_at'),
        ),
        // …and after the course was assigned to the cohort: assigning it later opens nothing older.
        exists(
          selectFrom('cohort_courses')
            .select('cohort_courses.course_id')
            .where('cohort_courses.cohort_id', '=', cohortId)
            .whereRef('cohort_courses.course_id', '=', 'attempts.course_id')
            .whereRef('cohort_courses.assigned_at', '<=', 'attempts.started_at'),
        ),
      ]);
  return {
    /**
     * The facts behind the cohort report: assigned courses, members, and per learner × course (× module)
     * the progress, attempt, completion and certificate aggregates. Rows of courses that are not in the
     * catalog come back too; the report leaves them out. One statement, run while holding Kysely's
     * connection (so never inside another request's open transaction) in one synchronous step: one
     * consistent view, no interleaving with other requests, and the write generation (`writeGeneration`)
     * it was read at.
     */
    cohortFacts(cohortId: number): Promise<CohortFacts & { generation: string }> {
      if (!storage) throw new Error('reportsRepo.cohortFacts needs the storage');
      if (storage.engine === 'postgres') return pgCohortFacts(db, cohortId);
      return sqliteCohortFacts(db, (storage as SqliteStorage).sqlite, cohortId);
    },

    learners: (cohortId: number): Promise<LearnerRow[]> => learnersQuery(db, cohortId).execute(),

    /** Submitted attempts at one course by the cohort's learners, with every stored response (item analysis). */
    async itemData(cohortId: number, courseId: string) {
      const [attempts, responses] = await Promise.all([
        db
          .selectFrom('attempts')
          .select(['id', 'score'])
          .where('course_id', '=', courseId)
          .where('submitted_at', 'is not', null)
          .where(whileMember(cohortId))
          .execute(),
        db
          .selectFrom('attempt_responses')
          .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
          .select([
            'attempt_responses.attempt_id',
            'attempt_responses.question_id',
            'attempt_responses.response',
            'attempt_responses.score',
          ])
          .where('attempts.course_id', '=', courseId)
          .where('attempts.submitted_at', 'is not', null)
          .where(whileMember(cohortId))
          .execute(),
      ]);
      return { attempts, responses };
    },

    /** One page of per-question responses (keyset on the response's key: attempt, question), for the streamed CSV. */
    responsesPage: (
      cohortId: number,
      courseIds: string[],
      after: { attempt_id: string; question_id: string } | null,
      limit: number,
    ) =>
      db
        .selectFrom('attempt_responses')
        .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
        .innerJoin('users', 'users.id', 'attempts.user_id')
        .select([
          'attempt_responses.attempt_id',
          'attempt_responses.question_id',
          'attempt_responses.response',
          'attempt_responses.score',
          'attempts.course_id',
          'attempts.content_version',
          'attempts.started_at',
          'attempts.submitted_at',
          'attempts.score as total',
          'attempts.passed',
          'users.full_name',
          'users.email',
        ])
        .where(whileMember(cohortId))
        .where('attempts.course_id', 'in', courseIds.length ? courseIds : [''])
        .where('attempts.submitted_at', 'is not', null)
        .$if(after !== null, (q) =>
          q.where((eb) =>
            eb(
              eb.refTuple('attempt_responses.attempt_id', 'attempt_responses.question_id'),
              '>',
              eb.tuple(after!.attempt_id, after!.question_id),
            ),
          ),
        )
        .orderBy('attempt_responses.attempt_id')
        .orderBy('attempt_responses.question_id')
        .limit(limit)
        .execute(),

    /**
     * Everything about one learner for the drill-down, made at or after `since` (when they joined the
     * cohort whose report asks: earlier records belong to other cohorts).
     */
    async learner(userId: number, since: string) {
      const [attempts, responses, completions, certificates] = await Promise.all([
        db
          .selectFrom('attempts')
          .selectAll()
          .where('user_id', '=', userId)
          .where('started_at', '>=', since)
          .orderBy('started_at')
          .execute(),
        db
          .selectFrom('attempt_responses')
          .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
          .select([
            'attempt_responses.attempt_id',
            'attempt_responses.question_id',
            'attempt_responses.response',
            'attempt_responses.score',
          ])
          .where('attempts.user_id', '=', userId)
          .where('attempts.started_at', '>=', since)
          .execute(),
        db
          .selectFrom('completions')
          .select(['id', 'course_id', 'content_version', 'score', 'completed_at'])
          .where('user_id', '=', userId)
          .where('completed_at', '>=', since)
          .orderBy('completed_at')
          .execute(),
        db
          .selectFrom('certificates')
          .select([
            'code',
            'course_id',
            'content_version',
            'score',
            'issued_at',
            'expires_at',
            'revoked_at',
            'revoked_reason',
          ])
          .where('user_id', '=', userId)
          .where('issued_at', '>=', since)
          .orderBy('issued_at')
          .execute(),
      ]);
      return { attempts, responses, completions, certificates };
    },
  };
}
