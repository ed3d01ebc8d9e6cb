/**
 * Group commit: writes that arrive within a few milliseconds share one transaction, so one fsync
 * (synchronous=FULL) makes all of them durable. Each caller's promise resolves only after the COMMIT
 * that contains its write has returned, so nothing is acknowledged before it is on disk. Each job
 * runs inside its own SAVEPOINT: one failing job is rolled back alone and rejects alone.
 *
 * Jobs are synchronous functions over the raw better-sqlite3 handle (queries are still built with
 * Kysely and compiled; see `runCompiled`), which is what lets a whole batch run in one tick.
 */
import type SQLite from 'better-sqlite3';
import type { CompiledQuery } from 'kysely';

type Job = { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void };

export interface GroupCommitOptions {
  /** How long the first write of a batch waits for company, ms. 0 = flush on the next tick. @defaultValue 2 */
  windowMs?: number;
  /** A batch is flushed at once when it reaches this many jobs. @defaultValue 256 */
  maxBatch?: number;
}

export class GroupCommitter {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private readonly windowMs: number;
  private readonly maxBatch: number;
  /** Batches committed and jobs in them, for the benchmark's report. */
  readonly stats = { batches: 0, jobs: 0 };

  constructor(private sqlite: SQLite.Database, opts: GroupCommitOptions = {}) {
    this.windowMs = opts.windowMs ?? 2;
    this.maxBatch = opts.maxBatch ?? 256;
  }

  /** Run `fn` in the next batch; resolves with its result once the batch is durable. */
  run<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.maxBatch) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.windowMs);
    });
  }

  /** Commit what is queued now (also used on shutdown). */
  flush() {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (!this.queue.length) return;
    if (this.sqlite.inTransaction) {
      // A Kysely transaction is open on this connection (it awaits between statements): wait for it.
      this.timer = setTimeout(() => this.flush(), 1);
      return;
    }
    const batch = this.queue;
    this.queue = [];
    const results: { job: Job; ok: boolean; value: unknown }[] = [];
    try {
      this.sqlite.exec('BEGIN IMMEDIATE');
      for (const job of batch) {
        this.sqlite.exec('SAVEPOINT job');
        try {
          const value = job.fn();
          this.sqlite.exec('RELEASE job');
          results.push({ job, ok: true, value });
        } catch (e) {
          this.sqlite.exec('ROLLBACK TO job');
          this.sqlite.exec('RELEASE job');
          results.push({ job, ok: false, value: e });
        }
      }
      this.sqlite.exec('COMMIT');
    } catch (e) {
      // The batch as a whole failed (e.g. disk full): nothing in it is durable, so every job fails.
      if (this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
      for (const job of batch) job.reject(e);
      return;
    }
    this.stats.batches++;
    this.stats.jobs += batch.length;
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
