/**
 * The PostgreSQL engine behind the storage port (db/storage.ts): a bounded pool on the primary, an
 * optional second pool on a read replica (`DATABASE_READ_URL`), each durable write job in a
 * transaction of its own, or in autocommit when it is one statement (the server's WAL flush at COMMIT makes it durable: no group commit needed,
 * PostgreSQL groups concurrent commits' flushes itself), and a change feed from the WAL position.
 *
 * The session cache (db/postgres/session-cache.ts) is kept correct across instances by LISTEN/NOTIFY
 * and fences; `sessionCache: false` (`DATABASE_SESSION_CACHE=off`) leaves it out, and every request
 * reads its session (one indexed join).
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from '../schema.ts';
import { clientConfig, createPgDb, type PgOptions } from './connection.ts';
import { PgSessionCache, watchChanges } from './session-cache.ts';
import { withUserQuery, type SessionWithUser } from '../repos/sessions.ts';
import { compiled, runJobAsync, type Statement, type StatementResult, type Storage } from '../storage.ts';
import type { DB } from '../connection.ts';

export interface PostgresStorageOptions extends PgOptions {
  url: string;
  /** A streaming replica for reads that tolerate its lag (`DATABASE_READ_URL`). */
  readUrl?: string;
  /** Keep the session cache (`DATABASE_SESSION_CACHE`). @defaultValue true */
  sessionCache?: boolean;
}

export interface PostgresStorage extends Storage {
  readonly engine: 'postgres';
  readonly sessionCache: PgSessionCache | null;
}

async function exec(trx: Kysely<Database>, s: Statement): Promise<StatementResult> {
  const q = compiled(s);
  const r = await trx.executeQuery(CompiledQuery.raw(q.sql, [...q.parameters]));
  return { rows: r.rows as Record<string, unknown>[], changes: Number(r.numAffectedRows ?? r.rows.length) };
}

/** A statement alone, in autocommit, on a pooled connection; a named one as a prepared statement. */
async function execAlone(pool: pg.Pool, s: Statement): Promise<StatementResult> {
  const q = compiled(s);
  const r = await pool.query({ name: q.name, text: q.sql, values: [...q.parameters] });
  return { rows: r.rows as Record<string, unknown>[], changes: r.rowCount ?? r.rows.length };
}

/**
 * The WAL position `db` has seen: the insert position on a primary (every committed write is before
 * it), the replayed position on a standby (every write visible there is before it). It moves with any
 * write in the cluster, so it may invalidate more than needed, never less.
 */
export async function walPosition(db: DB): Promise<string> {
  const r = await sql<{
    lsn: string;
  }>`select (case when pg_is_in_recovery() then pg_last_wal_replay_lsn() else pg_current_wal_insert_lsn() end)::text as lsn`.execute(
    db,
  );
  return r.rows[0]!.lsn;
}

export function openPostgresStorage(opts: PostgresStorageOptions): PostgresStorage {
  const primary = createPgDb(opts.url, opts);
  const changes = watchChanges(primary.pool);
  const replica = opts.readUrl
    ? createPgDb(opts.readUrl, { ...opts, applicationName: `${opts.applicationName ?? 'oberih'}-read` })
    : null;
  const db = primary.db;
  const read = replica?.db ?? db;
  const stats = { batches: 0, jobs: 0 };
  const lookup = { name: 'oberih-session-lookup', text: withUserQuery(db, '').compile().sql };
  const sessionCache =
    opts.sessionCache === false
      ? null
      : new PgSessionCache({
          url: opts.url,
          client: clientConfig({ ...opts, applicationName: `${opts.applicationName ?? 'oberih'}-listen` }),
          read: async (id) => (await primary.pool.query<SessionWithUser>({ ...lookup, values: [id] })).rows[0],
          changes,
        });
  return {
    engine: 'postgres',
    db,
    read,
    sessionCache,
    async write(job) {
      // One statement is atomic alone: autocommit saves the BEGIN and COMMIT round trips.
      const result = job.single
        ? job.single.result(await execAlone(primary.pool, job.single.statement))
        : await db.transaction().execute((trx) => runJobAsync(trx, job, (s) => exec(trx, s)));
      stats.batches++;
      stats.jobs++;
      return result;
    },
    changes: { generation: () => walPosition(read) },
    stats,
    async close() {
      await sessionCache?.close();
      await replica?.db.destroy();
      await db.destroy();
    },
  };
}
