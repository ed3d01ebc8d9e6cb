/**
 * Where heavy reports run (issue #26, item 2): the cohort report, item analysis and the CSV exports
 * are jobs handed to a `ReportRunner`, so the routes do not know whether a job runs on a worker thread
 * with its own read-only SQLite connection (db/report-worker.ts, what the SQLite server uses),
 * or in the process over the same repositories (tests on `:memory:`; a PostgreSQL deployment, whose
 * pool already keeps queries off the event loop, would run the jobs in the process on the pool).
 *
 * Engine-neutral: jobs are plain data, answers are text. A runner bounds what waits (`maxQueued`),
 * gives up on a job after `timeoutMs`, and says why it could not answer with a `ReportUnavailable`
 * (the API answers 503 with a Retry-After, never a 500).
 */
import type { Locale } from '../courses/schema/common.ts';

export type ReportJob =
  /** The cohort report as JSON (without `cohort` and `generated_at`, which the route adds). */
  | { kind: 'cohort'; cohortId: number; today: string; learners: 'all' | 'none' }
  /** Item analysis of the cohort's graded courses, as JSON. */
  | { kind: 'items'; cohortId: number }
  /** The grades CSV (without the BOM). */
  | { kind: 'grades-csv'; cohortId: number; today: string; locale: Locale; delimiter: ',' | ';' }
  /** One page of the responses CSV after the response `after` (null: the first, with the header). */
  | { kind: 'responses-csv'; cohortId: number; locale: Locale; delimiter: ',' | ';'; after: ResponseKey | null };

/** Where a page of the responses CSV ends: the last response's key (keyset paging, the same on both engines). */
export interface ResponseKey {
  attempt_id: string;
  question_id: string;
}

export interface ReportResult {
  text: string;
  /** responses-csv: where the next page starts, null when this was the last. */
  after?: ResponseKey | null;
}

export interface ReportRunner {
  run(job: ReportJob): Promise<ReportResult>;
  close(): Promise<void>;
}

export type ReportUnavailableReason = 'busy' | 'timeout' | 'crashed' | 'closed' | 'database';

/** A job the runner could not answer: too many waiting, too slow, its worker died, or shut down. */
export class ReportUnavailable extends Error {
  constructor(
    readonly reason: ReportUnavailableReason,
    message: string,
  ) {
    super(message);
    this.name = 'ReportUnavailable';
  }
}

export interface RunnerLimits {
  /** Jobs waiting for their turn, beyond which a new one is refused ('busy'). @defaultValue 32 */
  maxQueued?: number;
  /** A job not answered within this many ms from its start is given up ('timeout'). @defaultValue 30,000 */
  timeoutMs?: number;
}

export const DEFAULT_REPORT_LIMITS: Required<RunnerLimits> = { maxQueued: 32, timeoutMs: 30_000 };

/**
 * Jobs run in the process, one at a time, with the same queue bound and timeout as a worker (a
 * timed-out job's answer is dropped; its queries finish on their own).
 */
export function inProcessReportRunner(
  handler: (job: ReportJob) => Promise<ReportResult>,
  limits: RunnerLimits = {},
): ReportRunner {
  const { maxQueued, timeoutMs } = { ...DEFAULT_REPORT_LIMITS, ...limits };
  let chain: Promise<unknown> = Promise.resolve();
  let waiting = 0;
  let closed = false;
  return {
    run(job) {
      if (closed) return Promise.reject(new ReportUnavailable('closed', 'reports are shutting down'));
      if (waiting >= maxQueued)
        return Promise.reject(new ReportUnavailable('busy', 'too many reports are being prepared: try again shortly'));
      waiting++;
      const result = chain.then(() => {
        waiting--;
        return withTimeout(handler(job), timeoutMs).catch((e: unknown) => {
          throw databaseUnavailable(e)
            ? new ReportUnavailable('database', 'the database could not answer the report now')
            : e;
        });
      });
      chain = result.catch(() => undefined);
      return result;
    },
    close() {
      closed = true;
      return chain.then(() => undefined);
    },
  };
}

/**
 * Is this the database failing to answer for now, rather than a fault in the report's code? PostgreSQL:
 * a statement cancelled (its timeout), the server shutting down or out of connections, a connection
 * failure (SQLSTATE classes 08, 53, 57); the network refusing or dropping; pg's own connect timeout.
 * SQLite: the file busy or locked.
 */
export function databaseUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : '';
  const message = typeof err?.message === 'string' ? err.message : '';
  return (
    /^(08|53|57)[0-9A-Z]{3}$/.test(code) ||
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'SQLITE_BUSY',
      'SQLITE_LOCKED',
    ].includes(code) ||
    /Connection terminated|timeout exceeded when trying to connect/i.test(message)
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ReportUnavailable('timeout', 'the report took too long')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
