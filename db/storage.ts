/**
 * The storage port: everything the application knows about the database engine. Routes call
 * repositories (db/repos/*), repositories use typed Kysely over `storage.db` / `storage.read` and,
 * for the durable write paths that are benchmarked (progress ingestion, submit, sign-in audit, CSV
 * import), `storage.write(job)`. The engines live behind it:
 *
 *     routes → repos → Storage ─┬─ db/sqlite/   (one file; group commit; checkpointer; backup; data_version)
 *                               └─ db/postgres/ (bounded pool; optional read replica; transactions)
 *
 * A write job is a generator that yields the statements it wants run (Kysely queries, or an already
 * compiled one) and receives each one's result. SQLite drives it synchronously inside the group
 * commit (one fsync for every job that arrived together, each job in its own savepoint); PostgreSQL
 * drives it in a transaction of its own. Either way the promise resolves only after COMMIT, so
 * nothing is acknowledged before it is durable.
 */
import type { Compilable, CompiledQuery } from 'kysely';
import type { DB } from './connection.ts';
import type { Role } from './schema.ts';
import type { SessionWithUser } from './repos/sessions.ts';

export type Engine = 'sqlite' | 'postgres';

/**
 * A statement a write job asks to run: a Kysely query, or one compiled already. A compiled one may
 * carry a `name`: the same text every time (a hot path's statement), which PostgreSQL then parses and
 * plans once per connection (a prepared statement) instead of on every call.
 */
export type Statement = Compilable<unknown> | (Pick<CompiledQuery, 'sql' | 'parameters'> & { name?: string });

/** What a statement of a write job returns: its rows (a select or `returning`) and how many rows it changed. */
export interface StatementResult {
  rows: Record<string, unknown>[];
  changes: number;
}

/** A durable write: yields statements, gets their results, returns its own result. Keep it free of I/O. */
export type WriteJob<T> = ((db: DB) => Generator<Statement, T, StatementResult>) & {
  /** Set by `oneStatement`: the job is this statement alone (PostgreSQL runs it without BEGIN/COMMIT). */
  readonly single?: { statement: Statement; result: (r: StatementResult) => T };
};

/**
 * A write job that is one statement. A single statement is atomic on both engines, so PostgreSQL
 * runs it in autocommit (one round trip instead of BEGIN, the statement and COMMIT: the hot
 * ingestion path); SQLite runs it through the group commit like any job.
 */
export function oneStatement<T>(statement: Statement, result: (r: StatementResult) => T): WriteJob<T> {
  const job = function* (): Generator<Statement, T, StatementResult> {
    return result(yield statement);
  };
  return Object.assign(job, { single: { statement, result } });
}

/**
 * Tells cached derived data (the cohort report) whether the database may have changed since it was
 * read. `generation()` moves with every committed write visible to `read`; two equal readings taken
 * outside a transaction saw the same data. It may move more often than needed, never less.
 */
export interface ChangeFeed {
  generation(): Promise<string>;
}

/** A validated session in the in-process cache. */
export interface CachedSession<U = { id: number; role: Role }> {
  user: Readonly<U>;
  expiresAt: number;
}

/**
 * The in-process session cache. SQLite (db/sqlite/session-cache.ts): kept exact by TEMP triggers and
 * `data_version`, read synchronously. PostgreSQL (db/postgres/session-cache.ts): kept exact across
 * instances by LISTEN/NOTIFY, and a request that changed a user or a session ends with a `fence`.
 */
export interface SessionCachePort<U extends { id: number } = { id: number; role: Role }> {
  get(id: string): CachedSession<U> | undefined;
  /** Cache what a look-up read; `generation` is `readGeneration()` taken before that look-up (PostgreSQL). */
  set(id: string, user: U, expiresAt: number, generation?: number): void;
  /** PostgreSQL: taken before a look-up; a change notified after it keeps that read out of the cache. */
  readGeneration?(): number;
  /**
   * The session with its user, read from the database (a miss fills the cache from it): synchronously
   * on SQLite's connection, so nothing can change between the read and the caching; asynchronously on
   * PostgreSQL, where a change notified meanwhile keeps the read out of the cache.
   */
  lookup(id: string): SessionWithUser | undefined | Promise<SessionWithUser | undefined>;
  /** Start keeping the cache (PostgreSQL: listen); until then it is not used. `report` hears when it stops or starts. */
  start?(report?: (event: string, detail?: string) => void): Promise<void>;
  /** How many changes to users or sessions this process has made (PostgreSQL). */
  localChanges?(): number;
  /** Resolve once every instance has dropped what changes made before this call name (PostgreSQL). */
  fence?(): Promise<void>;
  readonly stats: { hits: number; misses: number; dropped: number; cleared: number };
  readonly size: number;
  clear(): void;
}

export interface BackupResult {
  file: string;
  bytes: number;
  integrity: string;
}

export interface Storage {
  readonly engine: Engine;
  /** The primary: a learner's own data, and anything read right after a write. */
  readonly db: DB;
  /**
   * Where heavy reads that tolerate a bounded staleness go (cohort report, exports, item analysis,
   * public certificate look-up): the read replica when `DATABASE_READ_URL` is set, else `db`.
   */
  readonly read: DB;
  /** Run a durable write job (see `WriteJob`); resolves after its COMMIT. */
  write<T>(job: WriteJob<T>): Promise<T>;
  readonly changes: ChangeFeed;
  /** The session cache, where the engine can keep one correct (SQLite); null otherwise. */
  readonly sessionCache: SessionCachePort | null;
  /** An online copy of the database into `file` (SQLite); undefined where the engine's own tooling backs up. */
  backup?(file: string): Promise<BackupResult>;
  /** Write batches and jobs committed, for the benchmark. */
  readonly stats: { batches: number; jobs: number };
  /** Commit what is pending, stop background work, close connections. */
  close(): Promise<void>;
}

/** Drive a write job with a synchronous executor (SQLite's group commit). */
export function runJobSync<T>(db: DB, job: WriteJob<T>, exec: (s: Statement) => StatementResult): T {
  const it = job(db);
  let step = it.next();
  while (!step.done) step = it.next(exec(step.value));
  return step.value;
}

/** Drive a write job with an asynchronous executor (PostgreSQL's transaction). */
export async function runJobAsync<T>(
  db: DB,
  job: WriteJob<T>,
  exec: (s: Statement) => Promise<StatementResult>,
): Promise<T> {
  const it = job(db);
  let step = it.next();
  while (!step.done) step = it.next(await exec(step.value));
  return step.value;
}

/** The SQL and parameters of a statement. */
export function compiled(s: Statement): Pick<CompiledQuery, 'sql' | 'parameters'> & { name?: string } {
  return 'compile' in s ? s.compile() : s;
}
