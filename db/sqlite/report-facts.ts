/**
 * The cohort report's facts on SQLite: the six fact queries of db/repos/reports.ts (`factQueries`)
 * as one statement returning one JSON document, prepared once per connection.
 */
import type SQLite from 'better-sqlite3';
import { sql, type SelectQueryBuilder } from 'kysely';
import type { DB } from '../connection.ts';
import type { Database } from '../schema.ts';
import { FACT_KEYS, factQueries, type CohortFacts } from '../repos/reports.ts';
import { writeGeneration } from './storage.ts';

/** The fact query prepared on a connection, and how many times it takes the cohort id. */
const factStatements = new WeakMap<SQLite.Database, { stmt: SQLite.Statement; params: number }>();

/**
 * SQLite: the report's facts as one query that returns one JSON document: `{ courses, learners, modules,
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
  const facts = factQueries(db, COHORT);
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
  const query = db.selectNoFrom(
    FACT_KEYS.map((k) => {
      const f = facts[k];
      return json(f.query, f.columns, f.shape, 'order' in f ? f.order : undefined).as(k);
    }),
  );
  const c = query.compile();
  if (!c.parameters.length || c.parameters.some((p) => p !== COHORT))
    throw new Error('report facts query: unexpected parameters');
  prepared = { stmt: sqlite.prepare(c.sql).raw(true), params: c.parameters.length };
  factStatements.set(sqlite, prepared);
  return prepared;
}

/**
 * The facts, run while holding Kysely's connection (so never inside another request's open
 * transaction) in one synchronous step: one consistent view, and a write generation no newer than it.
 */
export function sqliteCohortFacts(
  db: DB,
  sqlite: SQLite.Database,
  cohortId: number,
): Promise<CohortFacts & { generation: string }> {
  const { stmt, params } = factStatement(db, sqlite);
  return db.connection().execute(async () => {
    // The generation first: on a worker's read-only connection another connection may commit between
    // the two reads, and a facts snapshot newer than its generation is only recomputed once more
    // (the reverse, an older snapshot under a newer generation, would be reused while stale).
    const generation = writeGeneration(sqlite);
    const row = stmt.get(...new Array<number>(params).fill(cohortId)) as string[];
    return {
      generation,
      ...(Object.fromEntries(FACT_KEYS.map((k, i) => [k, JSON.parse(row[i]!)])) as unknown as CohortFacts),
    };
  });
}
