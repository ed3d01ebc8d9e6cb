import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import type { GroupCommitter } from '../group-commit.ts';
import { HEARTBEAT_GAP_CAP_SECONDS, type ModuleActivity } from '../../courses/completion.ts';
import type SQLite from 'better-sqlite3';

export interface IncomingEvent {
  client_id: string;
  course_id: string;
  module_id: string;
  kind: 'viewed' | 'completed' | 'practice';
  score: number | null;
  occurred_at: string;
}

/** The columns of one stored event, in the order of the insert statement's parameters. */
const COLUMNS = [
  'client_id',
  'user_id',
  'course_id',
  'module_id',
  'kind',
  'score',
  'occurred_at',
  'received_at',
] as const;
type Row = IncomingEvent & { user_id: number; received_at: string };

const inserts = new WeakMap<SQLite.Database, SQLite.Statement>();

/**
 * The one-row insert (skipping a (user, client id) already stored), written with Kysely, compiled
 * once and prepared once per connection: a request then costs one `run` per event, not a query
 * build, compile and statement look-up.
 */
function insertStatement(db: DB, sqlite: SQLite.Database): SQLite.Statement {
  let stmt = inserts.get(sqlite);
  if (!stmt) {
    const row = Object.fromEntries(
      COLUMNS.map((c) => [c, c === 'user_id' ? 0 : c === 'score' ? 0 : c === 'kind' ? 'viewed' : '']),
    ) as unknown as Row;
    const q = db
      .insertInto('progress_events')
      .values(row)
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
      .compile();
    if (q.parameters.length !== COLUMNS.length) throw new Error('progress insert: unexpected parameters');
    inserts.set(sqlite, (stmt = sqlite.prepare(q.sql)));
  }
  return stmt;
}

export function progressRepo(db: DB, sqlite?: SQLite.Database, writer?: GroupCommitter) {
  return {
    /**
     * Store a batch of events durably, each exactly once per (user, client id): retries are
     * counted as duplicates, never stored twice. Resolves after the commit is on disk.
     */
    record(
      userId: number,
      events: IncomingEvent[],
      receivedAt: string,
    ): Promise<{ stored: number; duplicates: number }> {
      if (!sqlite || !writer) throw new Error('progressRepo.record needs the raw connection and the group committer');
      // One prepared statement, run per event inside the job (one savepoint, one commit for all):
      // a row that conflicts is skipped alone, so the summed `changes` is the number of events stored.
      const insert = insertStatement(db, sqlite);
      return writer.run(() => {
        let stored = 0;
        for (const e of events)
          stored += insert.run(
            e.client_id,
            userId,
            e.course_id,
            e.module_id,
            e.kind,
            e.score,
            e.occurred_at,
            receivedAt,
          ).changes;
        return { stored, duplicates: events.length - stored };
      });
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
          sql<
            number | null
          >`(julianday(occurred_at) - julianday(lag(occurred_at) over (partition by course_id, module_id, kind order by occurred_at))) * 86400`.as(
            'gap',
          ),
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
          >`sum(case when kind = 'viewed' then min(gap, ${sql.lit(HEARTBEAT_GAP_CAP_SECONDS)}) end)`.as(
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
