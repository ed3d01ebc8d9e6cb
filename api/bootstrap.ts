/** Wires the real dependencies: database, content, limits. Used by the server and by tests. */
import fs from 'node:fs';
import { contentFsFrom, loadCatalog, type Catalog } from '../courses/catalog.ts';
import { migrateToLatest } from '../db/migrate.ts';
import { openStorage } from '../db/open-storage.ts';
import type { Config, Deps } from './deps.ts';
import { jsonLogger, type Logger } from './log.ts';
import { RateLimiter } from './middleware/rate-limit.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { MfaChallenges } from './auth/mfa-challenges.ts';
import type { CertificateSigner } from './certificates/keys.ts';
import { loadSharedSigner } from './certificates/shared-key.ts';
import path from 'node:path';
import { CONSULTATION_KEY_FILE, loadConsultationCipher } from './consultation/cipher.ts';
import { LTI_KEY_FILE, loadLtiKeyCipher } from './lti/key-cipher.ts';
import { checkKeyMatches } from './key-check.ts';
import type { SessionCachePort } from '../db/storage.ts';
import type { SessionUser } from './auth/session.ts';
import { DEFAULT_REPORT_LIMITS, inProcessReportRunner, type RunnerLimits } from '../db/report-runner.ts';
import { workerReportRunner } from '../db/report-worker.ts';
import { reportCatalogOf, reportJobs } from './reports/jobs.ts';

export { WAL_AUTOCHECKPOINT_WITH_WORKER } from '../db/sqlite/storage.ts';

export interface BootOptions {
  /** The SQLite file, used when `databaseUrl` is not set. */
  dbFile: string;
  /** `DATABASE_URL`: postgres://… selects PostgreSQL instead of the SQLite file. */
  databaseUrl?: string;
  /** `DATABASE_READ_URL`: a PostgreSQL read replica for reports, exports and certificate look-ups. */
  databaseReadUrl?: string;
  /** PostgreSQL pool size per process (`DATABASE_POOL_MAX`). */
  databasePoolMax?: number;
  /** PostgreSQL statement timeout (`DATABASE_STATEMENT_TIMEOUT_MS`). */
  databaseStatementTimeoutMs?: number;
  /** PostgreSQL: keep the session cache, kept correct by LISTEN/NOTIFY (`DATABASE_SESSION_CACHE`). @defaultValue true */
  databaseSessionCache?: boolean;
  contentDir: string;
  catalog?: Catalog;
  config?: Partial<Config>;
  log?: Logger;
  now?: () => Date;
  synchronous?: 'FULL' | 'NORMAL';
  groupCommitMs?: number;
  /** Where the certificate signing key lives (default: the database file's folder). */
  dataDir?: string;
  /** `CERT_SIGNING_KEY`: the certificate signing key instead of the key file. */
  certSigningKey?: string;
  certificateSigner?: CertificateSigner;
  /** Certificate look-ups per minute per address (`VERIFY_RATE_LIMIT`). @defaultValue 60 */
  verifyRateLimit?: number;
  /** `CONSULTATION_KEY`: the key that encrypts consultation texts (base64, 32 bytes) instead of the key file. */
  consultationKey?: string;
  /** `LTI_KEY_ENCRYPTION_KEY`: the key that encrypts the LTI tool's private keys (base64, 32 bytes) instead of the key file. */
  ltiKeyEncryptionKey?: string;
  /** SQLite: run WAL checkpoints on a worker thread (db/sqlite/checkpointer.ts) instead of inside commits. The server turns it on. */
  backgroundCheckpoint?: boolean;
  /**
   * Run reports on worker threads, each with its own connection (db/report-worker.ts; the default for a
   * database file and for PostgreSQL) or, with false (and always for `:memory:`), in the process.
   */
  reportWorker?: boolean;
  /** How many report worker threads (default 1). */
  reportWorkers?: number;
  /** Queue bound and timeout of the report runner (db/report-runner.ts defaults: 32 waiting, 30 s). */
  reportLimits?: RunnerLimits;
}

export async function bootstrap(opts: BootOptions): Promise<Deps & { close(): Promise<void> }> {
  const storage = openStorage(opts);
  try {
    await migrateToLatest(storage.db);
  } catch (e) {
    await storage.close();
    throw e;
  }
  const { db } = storage;
  const catalog = opts.catalog ?? loadCatalog(contentFsFrom(fs), opts.contentDir);
  const now = opts.now ?? (() => new Date());
  const clock = () => now().getTime();
  const log = opts.log ?? jsonLogger();
  // Where key files live: DATA_DIR, else beside the SQLite file; none for :memory: or PostgreSQL without one.
  const keyDir =
    opts.dataDir ??
    (storage.engine !== 'sqlite' || opts.dbFile === ':memory:' ? null : path.dirname(path.resolve(opts.dbFile)));
  const certificateSigner =
    opts.certificateSigner ??
    // One key for every instance: CERT_SIGNING_KEY, else on PostgreSQL the database's (inserted once,
    // so instances starting together agree), on SQLite the key file next to the database.
    (await loadSharedSigner(db, {
      dataDir: keyDir,
      envKey: opts.certSigningKey,
      warn: log.warn,
      now,
    }));
  // Consultation texts are encrypted with a key kept beside the SQLite file (or in DATA_DIR), never in the database.
  const consultationCipher = loadConsultationCipher({ dataDir: keyDir, envKey: opts.consultationKey });
  // The LTI tool's private keys likewise (api/lti/key-cipher.ts).
  const ltiKeyCipher = loadLtiKeyCipher({ dataDir: keyDir, envKey: opts.ltiKeyEncryptionKey });
  // Every server of one database must hold the same keys (api/key-check.ts); only a kept key is checked
  // (tests without a data folder get a throw-away key per app).
  if (opts.consultationKey || keyDir)
    await checkKeyMatches(db, {
      name: 'consultation-key',
      cipher: consultationCipher,
      setting: opts.consultationKey ? 'CONSULTATION_KEY' : `the key file ${path.join(keyDir!, CONSULTATION_KEY_FILE)}`,
      now: now().toISOString(),
    });
  if (opts.ltiKeyEncryptionKey || keyDir)
    await checkKeyMatches(db, {
      name: 'lti-key',
      cipher: ltiKeyCipher,
      setting: opts.ltiKeyEncryptionKey ? 'LTI_KEY_ENCRYPTION_KEY' : `the key file ${path.join(keyDir!, LTI_KEY_FILE)}`,
      now: now().toISOString(),
    });
  // The cache keeps the user objects the session code gives it (api/auth/session.ts).
  const sessionCache = storage.sessionCache as SessionCachePort<SessionUser> | null;
  // PostgreSQL: the cache is used once it listens (after the migrations made its triggers). Should
  // that fail now, it keeps trying; meanwhile every request reads its session.
  await sessionCache
    ?.start?.((event, detail) => {
      if (event === 'listening') log.info('session cache: listening');
      else log.warn(`session cache: ${event}`, detail ? { detail } : undefined);
    })
    .catch((e: unknown) =>
      log.warn('session cache not listening yet; sessions are read from the database until it is', {
        error: e instanceof Error ? e.message : String(e),
      }),
    );
  // Reports (db/report-runner.ts): on worker threads, each with its own connection (read-only to the
  // SQLite file; one to PostgreSQL's read URL), so computing one never holds up the event loop; with
  // reportWorker false (and always for :memory:), in the process.
  const pgUrl = storage.engine === 'postgres' ? opts.databaseReadUrl || opts.databaseUrl : undefined;
  const reports =
    opts.reportWorker !== false && (pgUrl || (storage.engine === 'sqlite' && opts.dbFile !== ':memory:'))
      ? workerReportRunner({
          ...(pgUrl
            ? { postgres: { url: pgUrl, statementTimeoutMs: reportStatementTimeout(opts) } }
            : { file: path.resolve(opts.dbFile) }),
          catalog: reportCatalogOf(catalog),
          workers: opts.reportWorkers,
          ...opts.reportLimits,
        })
      : inProcessReportRunner(
          reportJobs({
            db: storage.read,
            storage,
            catalog: reportCatalogOf(catalog),
            generation: () => storage.changes.generation(),
          }),
          opts.reportLimits,
        );
  return {
    reports,
    db,
    storage,
    catalog,
    now,
    log,
    certificateSigner,
    sessionCache,
    consultationCipher,
    ltiKeyCipher,
    config: {
      trustedOrigins: [],
      publicUrl: null,
      secureCookies: false,
      bodyLimit: 1024 * 1024,
      production: false,
      checkResponses: !opts.config?.production,
      ...opts.config,
    },
    limits: {
      // OWASP: throttle per account and per source; windows expire, so no permanent lockout.
      login: new LoginThrottle(clock),
      verify: new RateLimiter(opts.verifyRateLimit ?? 60, 60 * 1000, clock),
      redeem: new RateLimiter(10, 15 * 60 * 1000, clock),
      reset: new RateLimiter(10, 15 * 60 * 1000, clock),
      reauth: new RateLimiter(5, 15 * 60 * 1000, clock),
      totp: new RateLimiter(5, 15 * 60 * 1000, clock),
      auditOnce: new RateLimiter(1, 15 * 60 * 1000, clock),
    },
    mfaChallenges: new MfaChallenges(clock),
    async close() {
      await reports.close();
      await storage.close();
    },
  };
}

/**
 * The report worker's statement timeout: the server's, but never longer than a report job's (a job
 * given up closes its worker, and PostgreSQL would otherwise run the abandoned statement on), and set
 * even when the server's is 0 (none).
 */
function reportStatementTimeout(opts: Pick<BootOptions, 'databaseStatementTimeoutMs' | 'reportLimits'>): number {
  const job = opts.reportLimits?.timeoutMs ?? DEFAULT_REPORT_LIMITS.timeoutMs;
  const server = opts.databaseStatementTimeoutMs ?? 15_000;
  return server > 0 ? Math.min(server, job) : job;
}
