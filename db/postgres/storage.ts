/**
 * The PostgreSQL engine behind the storage port (db/storage.ts): a bounded pool on the primary, an
 * optional second pool on a read replica (`DATABASE_READ_URL`), each durable write job in a
 * transaction of its own (the server's WAL flush at COMMIT makes it durable: no group commit needed,
 * PostgreSQL groups concurrent commits' flushes itself), and a change feed from the WAL position.
 *
 * No session cache: several API instances share the database, and an instance cannot learn early
 * enough that another one revoked a session (a NOTIFY arrives asynchronously, after the other
 * instance may already have answered its client). Every request reads its session (one indexed join).
 */
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { createPgDb, type PgOptions } from './connection.ts';
import { compiled, runJobAsync, type Statement, type StatementResult, type Storage } from '../storage.ts';
import type { DB } from '../connection.ts';

export interface PostgresStorageOptions extends PgOptions {
  url: string;
  /** A streaming replica for reads that tolerate its lag (`DATABASE_READ_URL`). */
  readUrl?: string;
}

export interface PostgresStorage extends Storage {
  readonly engine: 'postgres';
}

async function exec(trx: Kysely<Database>, s: Statement): Promise<StatementResult> {
  const q = compiled(s);
  const r = await trx.executeQuery(CompiledQuery.raw(q.sql, [...q.parameters]));
  return { rows: r.rows as Record<string, unknown>[], changes: Number(r.numAffectedRows ?? r.rows.length) };
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
  const replica = opts.readUrl
    ? createPgDb(opts.readUrl, { ...opts, applicationName: `${opts.applicationName ?? 'oberih'}-read` })
    : null;
  const db = primary.db;
  const read = replica?.db ?? db;
  const stats = { batches: 0, jobs: 0 };
  return {
    engine: 'postgres',
    db,
    read,
    sessionCache: null,
    async write(job) {
      const result = await db.transaction().execute((trx) => runJobAsync(trx, job, (s) => exec(trx, s)));
      stats.batches++;
      stats.jobs++;
      return result;
    },
    changes: { generation: () => walPosition(read) },
    stats,
    async close() {
      await replica?.db.destroy();
      await db.destroy();
    },
  };
}
