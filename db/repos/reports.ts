/**
 * The cohort report's queries: a handful of aggregates (GROUP BY learner × course), never one query
 * per learner, so a cohort of 500 learners answers as fast as one of 20. The report's own facts are
 * read as one JSON document (`cohortFacts`); the write generation tells when they may have changed.
 */
import type SQLite from 'better-sqlite3';
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../connection.ts';
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

/** The cohort's members with their accounts, by name. */
const learnersQuery = (db: DB, cohortId: number) =>
  db
    .selectFrom('cohort_members')
    .innerJoin('users', 'users.id', 'cohort_members.user_id')
    .select(['users.id', 'users.full_name', 'users.email', 'users.role', 'users.active', 'cohort_members.joined_at'])
    .where('cohort_members.cohort_id', '=', cohortId)
    .orderBy('users.full_name')
    .orderBy('users.id');

/** The fact query prepared on a connection, and how many times it takes the cohort id. */
const factStatements = new WeakMap<SQLite.Database, { stmt: SQLite.Statement; params: number }>();

/**
 * The report's facts as one query that returns one JSON document: `{ courses, learners, modules,
 * attempts, completions, certificates }`, each a JSON array built by SQLite (`json_group_array`) from
 * an aggregate, parsed here with one `JSON.parse`. For the 8,000 learner × module rows of a
 * 500-learner cohort this costs about half of what better-sqlite3 spends building as many row arrays,
 * and as one statement it reads one consistent snapshot. Numbers survive the trip exactly (SQLite
 * writes REALs with 17 significant digits). Written with Kysely, compiled once and prepared once per
 * connection; every parameter is the cohort id (checked here): courses are those assigned to the
 * cohort and learners its members, so the SQL text never depends on how many there are.
 */
function factStatement(db: DB, sqlite: SQLite.Database) {
  let prepared = factStatements.get(sqlite);
  if (prepared) return prepared;
  const COHORT = -7; // a sentinel: every parameter must be the cohort id
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
  /** `(select json_group_array(json_array(columns…)) from (query))`, or objects with `json_object`, in `order` when given. */
  const json = (
    // Any table and selection: the helper only wraps a finished query in JSON aggregation.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    query: SelectQueryBuilder<Database, any, any>,
    columns: string[],
    shape: 'array' | 'object',
    order?: string[],
  ) => {
    const refs = columns.map((c) => sql.ref(`r.${c}`));
    const item =
      shape === 'array'
        ? sql`json_array(${sql.join(refs)})`
        : sql`json_object(${sql.join(columns.flatMap((c, i) => [sql.lit(c), refs[i]!]))})`;
    const by = order ? sql` order by ${sql.join(order.map((c) => sql.ref(`r.${c}`)))}` : sql``;
    return db.selectFrom(query.as('r')).select(sql<string>`json_group_array(${item}${by})`.as('j'));
  };
  const query = db.selectNoFrom([
    json(
      db.selectFrom('cohort_courses').select(['course_id', 'due_on']).where('cohort_id', '=', COHORT),
      ['course_id', 'due_on'],
      'object',
      ['course_id'],
    ).as('courses'),
    json(
      learnersQuery(db, COHORT).clearOrderBy(),
      ['id', 'full_name', 'email', 'role', 'active', 'joined_at'],
      'object',
      ['full_name', 'id'],
    ).as('learners'),
    // Only columns of the covering index progress_events_report: no table look-up per event.
    json(
      db
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
      ['user_id', 'course_id', 'module_id', 'completed_at'],
      'array',
    ).as('modules'),
    json(
      db
        .selectFrom('attempts')
        .select([
          'user_id',
          'course_id',
          sql<number>`count(submitted_at)`.as('attempts'),
          sql<number | null>`max(score)`.as('best'),
          sql<number>`coalesce(sum(passed = 1), 0)`.as('passed'),
          sql<number>`coalesce(sum(passed = 0), 0)`.as('failed'),
        ])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where(madeWhileMember('attempts', 'submitted_at'))
        .groupBy(['user_id', 'course_id']),
      ['user_id', 'course_id', 'attempts', 'best', 'passed', 'failed'],
      'array',
    ).as('attempts'),
    json(
      db
        .selectFrom('completions')
        .select(['user_id', 'course_id', sql<string>`min(completed_at)`.as('completed_at')])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where(madeWhileMember('completions', 'completed_at'))
        .groupBy(['user_id', 'course_id']),
      ['user_id', 'course_id', 'completed_at'],
      'array',
    ).as('completions'),
    // SQLite returns the bare column `code` from the row holding max(issued_at) (documented SQLite behaviour).
    json(
      db
        .selectFrom('certificates')
        .select(['user_id', 'course_id', 'code', sql<string>`max(issued_at)`.as('issued_at')])
        .where('user_id', 'in', members)
        .where('course_id', 'in', assigned)
        .where('revoked_at', 'is', null)
        .where(madeWhileMember('certificates', 'issued_at'))
        .groupBy(['user_id', 'course_id']),
      ['user_id', 'course_id', 'code', 'issued_at'],
      'array',
    ).as('certificates'),
  ]);
  const c = query.compile();
  if (!c.parameters.length || c.parameters.some((p) => p !== COHORT))
    throw new Error('report facts query: unexpected parameters');
  prepared = { stmt: sqlite.prepare(c.sql).raw(true), params: c.parameters.length };
  factStatements.set(sqlite, prepared);
  return prepared;
}

/** The keys of the fact document, in the order of the query's columns. */
const FACT_KEYS = ['courses', 'learners', 'modules', 'attempts', 'completions', 'certificates'] as const;

const generations = new WeakMap<SQLite.Database, SQLite.Statement>();

/**
 * The database's write generation as seen by this connection: `total_changes()` (every row inserted,
 * updated or deleted through this connection since it opened, by triggers and foreign-key cascades
 * too, counted even when later rolled back) with `PRAGMA data_version` (which moves when any other
 * connection commits). It only ever moves forward, and it moves with every change of any row, so two
 * equal readings, taken outside an open transaction, saw the same data.
 */
export function writeGeneration(sqlite: SQLite.Database): string {
  let stmt = generations.get(sqlite);
  if (!stmt)
    generations.set(
      sqlite,
      (stmt = sqlite.prepare('select total_changes(), (select data_version from pragma_data_version)').raw(true)),
    );
  const [changes, version] = stmt.get() as [number, number];
  return `${changes}:${version}`;
}

export function reportsRepo(db: DB, sqlite?: SQLite.Database) {
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
      if (!sqlite) throw new Error('reportsRepo.cohortFacts needs the raw connection');
      const { stmt, params } = factStatement(db, sqlite);
      return db.connection().execute(async () => {
        const row = stmt.get(...new Array<number>(params).fill(cohortId)) as string[];
        // Read in the same synchronous step as the facts: the generation they were read at, exactly.
        const generation = writeGeneration(sqlite);
        return {
          generation,
          ...(Object.fromEntries(FACT_KEYS.map((k, i) => [k, JSON.parse(row[i]!)])) as unknown as CohortFacts),
        };
      });
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

    /** One page of per-question responses (keyset on the response row id), for the streamed CSV. */
    responsesPage: (cohortId: number, courseIds: string[], afterRowid: number, limit: number) =>
      db
        .selectFrom('attempt_responses')
        .innerJoin('attempts', 'attempts.id', 'attempt_responses.attempt_id')
        .innerJoin('users', 'users.id', 'attempts.user_id')
        .select([
          sql<number>`attempt_responses.rowid`.as('rowid'),
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
        .where(sql`attempt_responses.rowid`, '>', afterRowid)
        .orderBy(sql`attempt_responses.rowid`)
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
