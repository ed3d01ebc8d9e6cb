/**
 * WAL checkpoints off the event loop. In WAL mode every commit appends pages to the `-wal` file; a
 * checkpoint copies them back into the database file and fsyncs it. SQLite runs that checkpoint
 * itself (`wal_autocheckpoint`, 1,000 pages) inside the COMMIT that crosses the threshold, so on our
 * single connection the copy and its fsync block the event loop: under ingestion load about one
 * commit in ten also paid a checkpoint, several milliseconds each.
 *
 * Here a worker thread with its own connection runs `PRAGMA wal_checkpoint(PASSIVE)` after commits
 * (`poke()`), so the copying and the database file's fsync happen on another thread while the main
 * thread keeps answering. PASSIVE never waits for, nor blocks, the writer or readers.
 *
 * Nothing about durability changes: a write is durable once its COMMIT has fsynced the WAL
 * (synchronous=FULL), before any checkpoint. The worker's connection uses synchronous=FULL too, so
 * its checkpoint fsyncs the database file before SQLite may reuse the WAL. The main connection keeps
 * its own automatic checkpoint as the bound on the WAL's size: it only copies what the worker has not
 * copied yet (usually nothing or a few pages), and the WAL restarts from its beginning after it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The worker's code (a string, so the compiled server bundle needs no second entry file). */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// FULL: the checkpoint fsyncs the database file before the WAL can be reused (never lower this).
db.pragma('synchronous = FULL');
db.pragma('cache_size = -256');
db.pragma('busy_timeout = 0');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let pending = false;
let running = false;
const stats = { runs: 0, busy: 0, errors: 0, lastError: null };
function run() {
  running = true;
  while (pending) {
    pending = false;
    try {
      const r = checkpoint.get();
      stats.runs++;
      if (r && r.busy) stats.busy++;
    } catch (e) {
      // SQLITE_BUSY (another checkpoint is running) or a transient error: the next poke retries,
      // and the main connection's own automatic checkpoint still bounds the WAL.
      stats.errors++;
      stats.lastError = String(e && e.message || e);
    }
  }
  running = false;
}
parentPort.on('message', (m) => {
  if (m === 'checkpoint') {
    pending = true;
    if (!running) setImmediate(run);
  } else if (m === 'stats') {
    parentPort.postMessage({ stats });
  } else if (m === 'close') {
    db.close();
    parentPort.postMessage({ closed: true, stats });
    parentPort.close();
  }
});
`;

export interface CheckpointerStats {
  runs: number;
  busy: number;
  errors: number;
  lastError: string | null;
}

export class BackgroundCheckpointer {
  private readonly worker: Worker;
  private closed = false;
  /** Pokes sent (at most one in flight between two runs is useful; the worker coalesces the rest). */
  pokes = 0;

  constructor(file: string) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: { file, driver },
      // A small heap: the worker only holds one connection and a few objects.
      resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
    });
    // Never keeps the process alive, and a failure of the worker is not a failure of any write.
    this.worker.unref();
    this.worker.on('error', () => {});
  }

  /** Ask for a checkpoint soon (after a commit). Cheap; coalesced while one runs. */
  poke() {
    if (this.closed) return;
    this.pokes++;
    this.worker.postMessage('checkpoint');
  }

  /** The worker's counters (for tests and the benchmark). */
  stats(): Promise<CheckpointerStats> {
    return new Promise((resolve) => {
      const on = (m: { stats?: CheckpointerStats }) => {
        if (!m.stats) return;
        this.worker.off('message', on);
        resolve(m.stats);
      };
      this.worker.on('message', on);
      this.worker.postMessage('stats');
    });
  }

  /** Close the worker's connection and stop the worker. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('exit', done);
      this.worker.on('message', (m: { closed?: boolean }) => {
        if (m.closed) void this.worker.terminate().then(done, done);
      });
      this.worker.postMessage('close');
      setTimeout(() => void this.worker.terminate().then(done, done), 2000).unref();
    });
  }
}
