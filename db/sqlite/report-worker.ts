/**
 * The SQLite server's report runner (db/report-runner.ts): one worker thread with its own read-only
 * connection (db/sqlite/report-worker-thread.ts) runs report jobs one at a time, so a 500-learner
 * cohort report (~15–50 ms of CPU) never holds up the event loop that takes learners' progress and
 * submits. The worker starts with the first job and stops after a minute without one.
 *
 * - Bounded: at most `maxQueued` jobs wait; more are refused at once ('busy').
 * - Cancellation: a job still running after `timeoutMs` is given up ('timeout') and its worker is
 *   terminated (SQLite cannot be interrupted from another thread otherwise); the next job gets a new one.
 * - A worker that dies (an exception, out of its heap limit) fails the job it ran ('crashed'); the
 *   jobs waiting go to a new worker. The API answers all three with 503 and Retry-After, never 500.
 * - Memory: the worker's heap is capped (`heapMB`) and its page cache too (`cacheKiB`).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ReportCatalog } from '../../api/reports/jobs.ts';
import {
  DEFAULT_REPORT_LIMITS,
  ReportUnavailable,
  type ReportJob,
  type ReportResult,
  type ReportRunner,
  type RunnerLimits,
} from '../report-runner.ts';

export const REPORT_WORKER_ENTRY = 'report-worker-thread.mjs';

export interface WorkerRunnerOptions extends RunnerLimits {
  /** The database file (the worker opens it read-only). */
  file: string;
  /** The courses and pools the reports read (cloned into the worker once per start). */
  catalog: ReportCatalog;
  /** The worker's old-generation heap limit, MB. @defaultValue 96 */
  heapMB?: number;
  /** The worker connection's page cache, KiB. @defaultValue 8192 */
  cacheKiB?: number;
  /** Stop an idle worker after this many ms. @defaultValue 60,000 */
  idleMs?: number;
  /** The compiled thread entry (default: next to the compiled server, or compiled from the sources once). */
  workerFile?: string;
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
  const queue: Pending[] = [];
  let worker: Worker | null = null;
  let current: Pending | null = null;
  let timer: NodeJS.Timeout | null = null;
  let idle: NodeJS.Timeout | null = null;
  let nextId = 1;
  let closed = false;

  function spawn(): Worker {
    const w = new Worker(opts.workerFile ?? workerEntry(), {
      workerData: { file: opts.file, catalog: opts.catalog, cacheKiB: opts.cacheKiB ?? 8192 },
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMB ?? 96, maxYoungGenerationSizeMb: 16 },
    });
    w.unref();
    w.on('message', (m: { id: number; ok: boolean; result?: ReportResult; error?: string }) => {
      if (w !== worker || !current || m.id !== current.id) return;
      const p = finish();
      if (m.ok) p.resolve(m.result!);
      else p.reject(new Error(`report job ${p.job.kind} failed: ${m.error}`));
      pump();
    });
    const died = (why: string) => {
      if (w !== worker) return;
      worker = null;
      if (current) finish().reject(new ReportUnavailable('crashed', `the report worker stopped (${why})`));
      pump();
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit code ${code}`));
    return w;
  }

  /** The running job is over (answered, failed or given up): clear its timer and hand it back. */
  function finish(): Pending {
    const p = current!;
    current = null;
    if (timer) clearTimeout(timer);
    timer = null;
    return p;
  }

  function pump() {
    if (current || closed) return;
    const p = queue.shift();
    if (!p) {
      if (worker && !idle) idle = setTimeout(stopIdle, idleMs).unref();
      return;
    }
    if (idle) clearTimeout(idle);
    idle = null;
    worker ??= spawn();
    current = p;
    timer = setTimeout(() => {
      const w = worker;
      worker = null;
      finish().reject(new ReportUnavailable('timeout', `the report took longer than ${timeoutMs} ms`));
      void w?.terminate();
      pump();
    }, timeoutMs);
    worker.postMessage({ id: p.id, job: p.job });
  }

  function stopIdle() {
    idle = null;
    if (current || queue.length || !worker) return;
    const w = worker;
    worker = null;
    void w.terminate();
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
      if (current) finish().reject(new ReportUnavailable('closed', 'reports are shutting down'));
      if (idle) clearTimeout(idle);
      const w = worker;
      worker = null;
      if (w) await w.terminate();
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
  const root = path.resolve(path.dirname(source), '../..');
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
