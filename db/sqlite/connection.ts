import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';

import type { DB } from '../connection.ts';

export interface OpenOptions {
  /**
   * `FULL` (default): a transaction acknowledged to a client survives a power loss. `NORMAL` in WAL
   * mode may roll back the last transactions after an OS crash; it exists only for the benchmark's ceiling.
   */
  synchronous?: 'FULL' | 'NORMAL';
  readonly?: boolean;
}

/** Open the raw SQLite handle with the pragmas every connection needs. */
export function openSqlite(file: string, opts: OpenOptions = {}): SQLite.Database {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file, { readonly: opts.readonly ?? false });
  if (!opts.readonly) sqlite.pragma('journal_mode = WAL');
  // synchronous must be set after journal_mode: its meaning depends on the journal mode.
  sqlite.pragma(`synchronous = ${opts.synchronous ?? 'FULL'}`);
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs more than running most of our
 * queries. This hands it a view of the connection whose `prepare` reuses statements by SQL text
 * (bounded, since queries with variable-length IN lists produce many texts). Safe because Kysely
 * runs one query at a time on a connection.
 */
export function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          let stmt = cache.get(sql);
          if (!stmt) {
            stmt = target.prepare(sql);
            if (cache.size >= max) cache.clear();
            cache.set(sql, stmt);
          }
          return stmt;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A Kysely instance over one better-sqlite3 connection. */
export function createDb(file: string, opts: OpenOptions = {}): { db: DB; sqlite: SQLite.Database } {
  const sqlite = openSqlite(file, opts);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, sqlite };
}

/**
 * `PRAGMA data_version` (changes whenever another connection commits), with a cheap pre-check. The
 * pragma opens and closes a read transaction (file-lock system calls on the WAL index), ~2–10 µs
 * under load, which the session cache paid on every request. In WAL mode every commit, by any
 * connection, rewrites the WAL-index header at the start of the `-shm` file (its change counter, frame
 * count, salts and checksums: https://sqlite.org/walformat.html#the_wal_index_file_format), so while
 * those 96 bytes are unchanged nothing was committed and the last value still holds; when they
 * changed (our own commits too, or a torn read), the pragma answers. Checkpoints do not touch the
 * header. Not in WAL mode (`:memory:`, read-only without a -shm): always the pragma.
 * `close()` releases the -shm file descriptor.
 */
export function dataVersionProbe(sqlite: SQLite.Database): { get(): number; close(): void } {
  const stmt = sqlite.prepare('PRAGMA data_version').pluck();
  const precise = () => stmt.get() as number;
  let fd: number | null = null;
  try {
    if (!sqlite.memory && String(sqlite.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal') {
      precise(); // a read transaction: the -shm file exists after it
      fd = fs.openSync(`${sqlite.name}-shm`, 'r');
    }
  } catch {
    fd = null;
  }
  if (fd === null) return { get: precise, close() {} };
  const shm = fd;
  const last = Buffer.alloc(96);
  const now = Buffer.alloc(96);
  // The header first, then the pragma: a commit in between makes the next header differ (one more pragma).
  let known = fs.readSync(shm, last, 0, 96, 0) === 96;
  let version = precise();
  let open = true;
  return {
    get() {
      if (!open) return precise();
      const same = fs.readSync(shm, now, 0, 96, 0) === 96 && known && now.equals(last);
      if (same) return version;
      now.copy(last);
      known = true;
      return (version = precise());
    },
    close() {
      if (!open) return;
      open = false;
      fs.closeSync(shm);
    },
  };
}
