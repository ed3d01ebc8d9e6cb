import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import { secondsBetween, smaller } from '../portable.ts';
import { oneStatement, type Statement, type StatementResult, type Storage } from '../storage.ts';
import { HEARTBEAT_GAP_CAP_SECONDS, type ModuleActivity } from '../../courses/completion.ts';

export interface IncomingEvent {
  client_id: string;
  course_id: string;
  module_id: string;
  kind: 'viewed' | 'completed' | 'practice';
  score: number | null;
  occurred_at: string;
}

type Row = IncomingEvent & { user_id: number; received_at: string };

/** The one-row insert (skipping a (user, client id) already stored), compiled once per Kysely instance. */
const inserts = new WeakMap<DB, { sql: string; parameters: readonly unknown[] }>();

function insertSql(db: DB): string {
  let q = inserts.get(db);
  if (!q) {
    const row: Row = {
      client_id: '',
      user_id: 0,
      course_id: '',
      module_id: '',
      kind: 'viewed',
      score: 0,
      occurred_at: '',
      received_at: '',
    };
    q = db
      .insertInto('progress_events')
      .values(row)
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
      .compile();
    // The parameters must be the row's values in the order `insertParameters` gives them.
    if (q.parameters.join('|') !== '|0|||viewed|0||') throw new Error('progress insert: unexpected parameters');
    inserts.set(db, q);
  }
  return q.sql;
}

/** The parameters of `insertSql`'s statement, in its order. */
const insertParameters = (e: IncomingEvent, userId: number, at: string) => [
  e.client_id,
  userId,
  e.course_id,
  e.module_id,
  e.kind,
  e.score,
  e.occurred_at,
  at,
];

/** SQLite: one prepared statement, run per event inside the job (one savepoint, one commit for all): a
 * row that conflicts is skipped alone, so the summed `changes` is the number stored. */
const insertEach = (db: DB, userId: number, events: IncomingEvent[], at: string) =>
  function* (): Generator<Statement, { stored: number; duplicates: number }, StatementResult> {
    let stored = 0;
    const text = insertSql(db);
    for (const e of events)
      stored += (yield {
        sql: text,
        parameters: insertParameters(e, userId, at),
      }).changes;
    return { stored, duplicates: events.length - stored };
  };

/**
 * PostgreSQL: the batch as one statement (one round trip, autocommit); ON CONFLICT DO NOTHING counts
 * only the rows stored. One event (a page's heartbeat, the common case) is a prepared statement.
 */
const insertBatch = (db: DB, userId: number, events: IncomingEvent[], at: string) =>
  oneStatement(
    events.length === 1
      ? {
          name: 'oberih-progress-insert',
          sql: insertSql(db),
          parameters: insertParameters(events[0]!, userId, at),
        }
      : db
          .insertInto('progress_events')
          .values(events.map((e) => ({ ...e, user_id: userId, received_at: at })))
          .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing()),
    (r) => ({ stored: r.changes, duplicates: events.length - r.changes }),
  );

export function progressRepo(db: DB, storage?: Pick<Storage, 'engine' | 'write'>) {
  return {
    /**
     * Store a batch of events durably, each exactly once per (user, client id): retries are
     * counted as duplicates, never stored twice. Resolves after the commit is durable.
     */
    record(
      userId: number,
      events: IncomingEvent[],
      receivedAt: string,
    ): Promise<{ stored: number; duplicates: number }> {
      if (!storage) throw new Error('progressRepo.record needs the storage');
      return storage.write(
        storage.engine === 'sqlite'
          ? insertEach(db, userId, events, receivedAt)
          : insertBatch(db, userId, events, receivedAt),
      );
    },
    /**
     * Per-module activity of one user, for every course (or one). Study time sums the gaps between
     * consecutive `viewed` heartbeats of a module, each capped (see courses/completion.ts), so only
     * time with the page open counts.
     */
    async activity(userId: number, courseId?: string): Promise<(ModuleActivity & { course_id: string })[]> {
      let events = db
        .selectFrom('progress_events')
        .select([
          'course_id',
          'module_id',
          'kind',
          'score',
          'occurred_at',
          secondsBetween(
            sql.ref('occurred_at'),
            sql`lag(occurred_at) over (partition by course_id, module_id, kind order by occurred_at)`,
            db,
          ).as('gap'),
        ])
        .where('user_id', '=', userId);
      if (courseId) events = events.where('course_id', '=', courseId);
      const rows = await db
        .selectFrom(events.as('e'))
        .select([
          'course_id',
          'module_id',
          sql<string | null>`max(case when kind = 'viewed' then occurred_at end)`.as('viewed_at'),
          sql<string | null>`min(case when kind = 'completed' then occurred_at end)`.as('completed_at'),
          sql<number | null>`max(case when kind = 'practice' then score end)`.as('practice_best'),
          sql<
            number | null
          >`sum(case when kind = 'viewed' then ${smaller(sql.ref('gap'), sql.lit(HEARTBEAT_GAP_CAP_SECONDS), db)} end)`.as(
            'viewed_seconds',
          ),
        ])
        .groupBy(['course_id', 'module_id'])
        .execute();
      return rows.map((r) => ({
        ...r,
        viewed_seconds: r.viewed_seconds === null ? null : Math.round(r.viewed_seconds),
      }));
    },
    countFor: (userId: number) =>
      db
        .selectFrom('progress_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
        .then((r) => Number(r.n)),
  };
}
