/**
 * The server's report runner (db/report-runner.ts): worker threads, each with its own connection
 * (db/report-worker-thread.ts: read-only to the SQLite file, or one to PostgreSQL's read URL), run
 * report jobs, one at a time each, so a 500-learner
 * cohort report (~15–50 ms of CPU) never holds up the event loop that takes learners' progress and
 * submits. One worker by default (`REPORT_WORKER`): more let reports run side by side where there are
 * cores for them, at ~50 MB of memory each while busy. A worker starts with its first job and stops after a minute
 * without one; a cohort's job goes to the worker that ran that cohort last when it is free (that worker
 * may still hold the report, api/reports/jobs.ts).
 *
 * - Bounded: at most `maxQueued` jobs wait; more are refused at once ('busy').
 * - Cancellation: a job still running after `timeoutMs` is given up ('timeout') and its worker is
 *   terminated (SQLite cannot be interrupted from another thread otherwise; on PostgreSQL the
 *   statement runs on until the worker's statement timeout, which bootstrap keeps no longer than the
 *   job's); the next job gets a new one. A database that cannot answer (unreachable, a statement
 *   cancelled, out of connections) fails the job as 'database'.
 * - A worker that dies (an exception, out of its heap limit) fails the job it ran ('crashed'); the
 *   jobs waiting go to a new worker. The API answers all three with 503 and Retry-After, never 500.
 * - Memory: the worker's heap is capped (`heapMB`) and its page cache too (`cacheKiB`).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReportCatalog } from '../api/reports/jobs.ts';
import {
  DEFAULT_REPORT_LIMITS,
  ReportUnavailable,
  type ReportJob,
  type ReportResult,
  type ReportRunner,
  type RunnerLimits,
} from './report-runner.ts';

export const REPORT_WORKER_ENTRY = 'report-worker-thread.mjs';

/** What a worker connects to (cloned into each worker). */
export type ReportSource =
  /** The database file, opened read-only, with this page cache (KiB). */
  | { engine: 'sqlite'; file: string; cacheKiB: number }
  /** The URL reports read from (the replica's when there is one), one connection per worker. */
  | { engine: 'postgres'; url: string; statementTimeoutMs?: number; connectTimeoutMs?: number };

export interface WorkerRunnerOptions extends RunnerLimits {
  /** SQLite: the database file (each worker opens it read-only). */
  file?: string;
  /** PostgreSQL: the URL and connection settings (each worker opens one connection). */
  postgres?: Omit<Extract<ReportSource, { engine: 'postgres' }>, 'engine'>;
  /** The courses and pools the reports read (cloned into the worker once per start). */
  catalog: ReportCatalog;
  /** Worker threads, each with its own connection, running one job at a time. @defaultValue 1 */
  workers?: number;
  /** Each worker's old-generation heap limit, MB (four cached reports of 5,000-learner cohorts fit). @defaultValue 64 */
  heapMB?: number;
  /** SQLite: each worker connection's page cache, KiB. @defaultValue 4096 */
  cacheKiB?: number;
  /** Stop an idle worker after this many ms. @defaultValue 60,000 */
  idleMs?: number;
  /** The compiled thread entry (default: next to the compiled server, or compiled from the sources once). */
  workerFile?: string;
}

/** One worker thread's place in the pool: its thread (started with its first job), the job it runs. */
interface Slot {
  worker: Worker | null;
  current: Pending | null;
  timer: NodeJS.Timeout | null;
  idle: NodeJS.Timeout | null;
}

interface Pending {
  id: number;
  job: ReportJob;
  resolve: (r: ReportResult) => void;
  reject: (e: Error) => void;
}

export function workerReportRunner(opts: WorkerRunnerOptions): ReportRunner {
  const { maxQueued, timeoutMs } = { ...DEFAULT_REPORT_LIMITS, ...opts };
  const idleMs = opts.idleMs ?? 60_000;
  const size = Math.max(1, Math.floor(opts.workers ?? 1));
  if (!opts.file === !opts.postgres)
    throw new Error('a report worker needs a database file or a PostgreSQL URL, not both');
  const source: ReportSource = opts.postgres
    ? { engine: 'postgres', ...opts.postgres }
    : { engine: 'sqlite', file: opts.file!, cacheKiB: opts.cacheKiB ?? 4096 };
  const queue: Pending[] = [];
  const slots: Slot[] = Array.from({ length: size }, () => ({ worker: null, current: null, timer: null, idle: null }));
  /** The slot that last ran a cohort's job: it keeps that cohort's report (api/reports/jobs.ts). */
  const lastSlot = new Map<number, Slot>();
  let nextId = 1;
  let closed = false;

  function spawn(slot: Slot): Worker {
    const w = new Worker(opts.workerFile ?? workerEntry(), {
      workerData: { source, catalog: opts.catalog },
      // A young generation of 8 MB, not 16: reports allocate in bursts, and what the young generation
      // holds stays resident (the server's memory budget, docs/performance.md).
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMB ?? 64, maxYoungGenerationSizeMb: 8 },
    });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; result?: ReportResult; error?: string; database?: boolean }) => {
      if (w !== slot.worker || !slot.current || m.id !== slot.current.id) return;
      const p = finish(slot);
      if (m.ok) p.resolve(m.result!);
      // The database unreachable, cancelled or out of connections: unavailable for now (503), not a bug.
      else if (m.database) p.reject(new ReportUnavailable('database', 'the database could not answer the report now'));
      else p.reject(new Error(`report job ${p.job.kind} failed: ${m.error}`));
      pump();
    });
    const died = (why: string) => {
      if (w !== slot.worker) return;
      slot.worker = null;
      if (slot.current) finish(slot).reject(new ReportUnavailable('crashed', `the report worker stopped (${why})`));
      pump();
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit code ${code}`));
    return w;
  }

  function finishIfCurrent(slot: Slot, p: Pending) {
    if (slot.current === p) finish(slot);
  }

  /** A slot's running job is over (answered, failed or given up): clear its timer and hand it back. */
  function finish(slot: Slot): Pending {
    const p = slot.current!;
    slot.current = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    return p;
  }

  /** Hand waiting jobs to free slots: a cohort's job to the slot that ran it last when that one is free. */
  function pump() {
    if (closed) return;
    for (;;) {
      const free = slots.filter((s) => !s.current);
      if (!free.length || !queue.length) break;
      const p = queue.shift()!;
      const cohortId = 'cohortId' in p.job ? p.job.cohortId : null;
      const preferred = cohortId === null ? undefined : lastSlot.get(cohortId);
      // A free slot with a live worker before one that must start a thread.
      const slot = (preferred && !preferred.current ? preferred : undefined) ?? free.find((s) => s.worker) ?? free[0]!;
      if (cohortId !== null) {
        lastSlot.delete(cohortId);
        lastSlot.set(cohortId, slot);
        // Bounded: only the most recent cohorts are remembered.
        if (lastSlot.size > 64) lastSlot.delete(lastSlot.keys().next().value!);
      }
      try {
        start(slot, p);
      } catch (e) {
        // The thread could not be started (its compiled entry missing or unreadable): the job fails
        // clearly rather than waiting for ever.
        finishIfCurrent(slot, p);
        p.reject(new ReportUnavailable('crashed', `the report worker could not start (${(e as Error).message})`));
      }
    }
    for (const s of slots)
      if (!s.current && s.worker && !s.idle) s.idle = setTimeout(() => stopIdle(s), idleMs).unref();
  }

  function start(slot: Slot, p: Pending) {
    if (slot.idle) clearTimeout(slot.idle);
    slot.idle = null;
    slot.worker ??= spawn(slot);
    slot.current = p;
    slot.timer = setTimeout(() => {
      const w = slot.worker;
      slot.worker = null;
      finish(slot).reject(new ReportUnavailable('timeout', `the report took longer than ${timeoutMs} ms`));
      void w?.terminate();
      pump();
    }, timeoutMs);
    slot.worker.postMessage({ id: p.id, job: p.job });
  }

  function stopIdle(slot: Slot) {
    slot.idle = null;
    if (slot.current || !slot.worker) return;
    const w = slot.worker;
    slot.worker = null;
    // Let it close its connection (PostgreSQL logs a reset otherwise), then make sure it is gone.
    w.postMessage('close');
    setTimeout(() => void w.terminate(), 2000).unref();
  }

  return {
    run(job) {
      if (closed) return Promise.reject(new ReportUnavailable('closed', 'reports are shutting down'));
      if (queue.length >= maxQueued)
        return Promise.reject(new ReportUnavailable('busy', 'too many reports are being prepared: try again shortly'));
      return new Promise<ReportResult>((resolve, reject) => {
        queue.push({ id: nextId++, job, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) p.reject(new ReportUnavailable('closed', 'reports are shutting down'));
      const stopping: Promise<number>[] = [];
      for (const s of slots) {
        if (s.current) finish(s).reject(new ReportUnavailable('closed', 'reports are shutting down'));
        if (s.idle) clearTimeout(s.idle);
        s.idle = null;
        const w = s.worker;
        s.worker = null;
        if (w) stopping.push(w.terminate());
      }
      await Promise.all(stopping);
    },
  };
}

let compiled: string | null = null;

/**
 * The thread's compiled entry: beside the compiled server (scripts/server-bundle.ts writes both), or,
 * when running from the sources (tests, tsx), compiled once per process into `.tmp/report-worker/`, the same
 * folder depth (relative reads resolve alike; packages resolve from the project's node_modules).
 */
export function workerEntry(): string {
  const beside = fileURLToPath(new URL(`./${REPORT_WORKER_ENTRY}`, import.meta.url));
  if (fs.existsSync(beside)) return beside;
  if (compiled) return compiled;
  const source = fileURLToPath(new URL('./report-worker-thread.ts', import.meta.url));
  const root = path.resolve(path.dirname(source), '..');
  const out = path.join(root, '.tmp', 'report-worker', REPORT_WORKER_ENTRY);
  // Not a dependency of the compiled server: only needed when running from the sources.
  const { buildSync } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  // Compiled to a name of its own, then renamed over the shared one: processes compiling at the same
  // time (test files) never see half a file.
  const tmp = `${out}.${process.pid}.${Date.now()}.mjs`;
  buildSync(workerBuildOptions(source, tmp));
  fs.renameSync(tmp, out);
  return (compiled = out);
}

/** esbuild options for the thread's entry (shared with scripts/server-bundle.ts). */
export const workerBuildOptions = (entry: string, outfile: string) => ({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node20',
  packages: 'external' as const,
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
});
