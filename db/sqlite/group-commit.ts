/**
 * Group commit: writes that arrive within a few milliseconds share one transaction, so one fsync
 * (synchronous=FULL) makes all of them durable. Each caller's promise resolves only after the COMMIT
 * that contains its write has returned, so nothing is acknowledged before it is on disk. Each job
 * runs inside its own SAVEPOINT: one failing job is rolled back alone and rejects alone.
 *
 * Jobs are synchronous functions over the raw better-sqlite3 handle (queries are still built with
 * Kysely and compiled; see `runCompiled`), which is what lets a whole batch run in one tick.
 *
 * When to commit: after each turn of the event loop (`setImmediate`) the batch is committed unless that
 * turn queued more writes, in which case it waits one more turn, up to `windowMs` after its first write.
 * A lone write is therefore committed at once (no fixed wait), and under load a batch keeps every
 * write that arrives while requests are still being parsed, so the synchronous fsync of synchronous=FULL
 * is paid once per burst instead of once per few requests (measured by `npm run bench`).
 */
import type SQLite from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

type Job = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export interface GroupCommitOptions {
  /**
   * The longest the first write of a batch waits for company, ms, while more writes keep arriving
   * (a batch is committed as soon as one turn of the event loop brings no new write). 0 = commit
   * after the current turn. @defaultValue 2
   */
  windowMs?: number;
  /** A batch is flushed at once when it reaches this many jobs. @defaultValue 256 */
  maxBatch?: number;
  /** Called after each successful COMMIT, before the batch's callers are answered (e.g. to poke the checkpointer). */
  afterCommit?: () => void;
}

export class GroupCommitter {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** When the batch's first write arrived, and the queue's length at the last turn of the loop. */
  private firstAt = 0;
  private seen = 0;
  private readonly windowMs: number;
  private readonly maxBatch: number;
  private readonly afterCommit: (() => void) | undefined;
  /** Transaction control as prepared statements: parsed once, not once per batch and job. */
  private readonly tx: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo',
    SQLite.Statement
  >;
  /** Batches committed and jobs in them, for the benchmark's report. */
  readonly stats = { batches: 0, jobs: 0 };

  constructor(
    private sqlite: SQLite.Database,
    opts: GroupCommitOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 2;
    this.maxBatch = opts.maxBatch ?? 256;
    this.afterCommit = opts.afterCommit;
    this.tx = {
      begin: sqlite.prepare('BEGIN IMMEDIATE'),
      commit: sqlite.prepare('COMMIT'),
      rollback: sqlite.prepare('ROLLBACK'),
      savepoint: sqlite.prepare('SAVEPOINT job'),
      release: sqlite.prepare('RELEASE job'),
      rollbackTo: sqlite.prepare('ROLLBACK TO job'),
    };
  }

  /** Run `fn` in the next batch; resolves with its result once the batch is durable. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.immediate && !this.timer) {
        this.firstAt = performance.now();
        this.seen = this.queue.length;
        this.immediate = setImmediate(this.check);
      }
    });
  }

  /** After a turn of the event loop: commit, unless writes are still arriving and the window is open. */
  private check = () => {
    this.immediate = null;
    const arriving = this.queue.length > this.seen;
    if (arriving && performance.now() - this.firstAt < this.windowMs) {
      this.seen = this.queue.length;
      this.immediate = setImmediate(this.check);
      return;
    }
    this.flush();
  };

  /** Commit what is queued now (also used on shutdown). */
  flush() {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = null;
    }
    if (!this.queue.length) return;
    if (this.sqlite.inTransaction) {
      // A Kysely transaction is open on this connection (it awaits between statements): wait for it.
      this.timer = setTimeout(() => this.flush(), 1);
      return;
    }
    const batch = this.queue;
    this.queue = [];
    const results: { job: Job; ok: boolean; value: unknown }[] = [];
    const tx = this.tx;
    try {
      tx.begin.run();
      for (const job of batch) {
        tx.savepoint.run();
        try {
          const value = job.fn();
          tx.release.run();
          results.push({ job, ok: true, value });
        } catch (e) {
          tx.rollbackTo.run();
          tx.release.run();
          results.push({ job, ok: false, value: e });
        }
      }
      tx.commit.run();
    } catch (e) {
      // The batch as a whole failed (e.g. disk full): nothing in it is durable, so every job fails.
      if (this.sqlite.inTransaction) tx.rollback.run();
      for (const job of batch) job.reject(e);
      return;
    }
    this.stats.batches++;
    this.stats.jobs += batch.length;
    this.afterCommit?.();
    for (const r of results) (r.ok ? r.job.resolve : r.job.reject)(r.value);
  }
}

const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

/** Run a Kysely-compiled query synchronously on the raw handle (prepared statements are cached). */
export function runCompiled(sqlite: SQLite.Database, q: CompiledQuery): SQLite.RunResult {
  let cache = statements.get(sqlite);
  if (!cache) statements.set(sqlite, (cache = new Map()));
  let stmt = cache.get(q.sql);
  if (!stmt) cache.set(q.sql, (stmt = sqlite.prepare(q.sql)));
  return stmt.run(...(q.parameters as unknown[]));
}
