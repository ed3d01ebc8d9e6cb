/**
 * The SQLite engine behind the storage port (db/storage.ts): one connection to one file (WAL,
 * synchronous=FULL), durable writes through the group commit, WAL checkpoints on a worker thread when
 * asked, the session cache kept exact by TEMP triggers and `data_version`, and online backups.
 */
import type SQLite from 'better-sqlite3';
import { createDb } from './connection.ts';
import { GroupCommitter } from './group-commit.ts';
import { BackgroundCheckpointer } from './checkpointer.ts';
import { backupTo } from './backup.ts';
import { SessionCache } from './session-cache.ts';
import { compiled, runJobSync, type Statement, type StatementResult, type Storage } from '../storage.ts';

/** `wal_autocheckpoint` (pages) when checkpoints run on the worker thread. */
export const WAL_AUTOCHECKPOINT_WITH_WORKER = 4000;

export interface SqliteStorageOptions {
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** The group commit's window, ms (db/sqlite/group-commit.ts). @defaultValue 2 */
  groupCommitMs?: number;
  /** Run WAL checkpoints on a worker thread (db/sqlite/checkpointer.ts) instead of inside commits. */
  backgroundCheckpoint?: boolean;
}

export interface SqliteStorage extends Storage {
  readonly engine: 'sqlite';
  /** The raw connection: for db/sqlite code and SQLite-only tests, never for the application. */
  readonly sqlite: SQLite.Database;
  readonly writer: GroupCommitter;
  readonly checkpointer: BackgroundCheckpointer | null;
  readonly sessionCache: SessionCache;
}

const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/** Run one statement synchronously on the raw handle (prepared statements cached by SQL text). */
export function execSync(sqlite: SQLite.Database, s: Statement): StatementResult {
  const q = compiled(s);
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let stmt = cache.get(q.sql);
  if (!stmt) {
    if (cache.size >= 500) cache.clear();
    cache.set(q.sql, (stmt = sqlite.prepare(q.sql)));
  }
  const params = q.parameters as unknown[];
  if (stmt.reader) {
    const rows = stmt.all(...params) as Record<string, unknown>[];
    return { rows, changes: rows.length };
  }
  return { rows: [], changes: stmt.run(...params).changes };
}

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
const generations = new WeakMap<SQLite.Database, SQLite.Statement>();

export function openSqliteStorage(opts: SqliteStorageOptions): SqliteStorage {
  const { db, sqlite } = createDb(opts.file, { synchronous: opts.synchronous ?? 'FULL' });
  const checkpointer =
    opts.backgroundCheckpoint && opts.file !== ':memory:' ? new BackgroundCheckpointer(opts.file) : null;
  // With the worker copying pages as commits arrive, the connection's own automatic checkpoint is only
  // the bound on the WAL's size: at 4,000 pages (16 MB) instead of 1,000 it rarely runs, and then
  // copies only what the worker has not (measured: 1,000 left one inline checkpoint per ~10 commits;
  // 10,000 without the worker made each inline one long enough to hurt p99).
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_WITH_WORKER}`);
  const writer = new GroupCommitter(sqlite, {
    windowMs: opts.groupCommitMs ?? 2,
    afterCommit: checkpointer ? () => checkpointer.poke() : undefined,
  });
  // Created lazily: its TEMP triggers need the tables, which exist only after the migrations.
  let sessionCache: SessionCache | undefined;
  const exec = (s: Statement) => execSync(sqlite, s);
  return {
    engine: 'sqlite',
    db,
    read: db,
    sqlite,
    writer,
    checkpointer,
    get sessionCache() {
      return (sessionCache ??= new SessionCache(db, sqlite));
    },
    write: (job) => writer.run(() => runJobSync(db, job, exec)),
    changes: { generation: () => Promise.resolve(writeGeneration(sqlite)) },
    backup: (file) => backupTo(sqlite, file),
    stats: writer.stats,
    async close() {
      writer.flush();
      await checkpointer?.close();
      sessionCache?.close();
      await db.destroy();
    },
  };
}
