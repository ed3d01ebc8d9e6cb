/** Wires the real dependencies: database, content, limits. Used by the server and by tests. */
import fs from 'node:fs';
import { contentFsFrom, loadCatalog, type Catalog } from '../courses/catalog.ts';
import { createDb } from '../db/connection.ts';
import { GroupCommitter } from '../db/group-commit.ts';
import { BackgroundCheckpointer } from '../db/checkpointer.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Config, Deps } from './deps.ts';
import { jsonLogger, type Logger } from './log.ts';
import { RateLimiter } from './middleware/rate-limit.ts';
import { LoginThrottle } from './auth/login-throttle.ts';
import { MfaChallenges } from './auth/mfa-challenges.ts';
import { loadSigner, type CertificateSigner } from './certificates/keys.ts';
import { SessionCache } from './auth/session-cache.ts';
import path from 'node:path';
import { loadConsultationCipher } from './consultation/cipher.ts';

/** `wal_autocheckpoint` (pages) when checkpoints run on the worker thread. */
export const WAL_AUTOCHECKPOINT_WITH_WORKER = 4000;

export interface BootOptions {
  dbFile: string;
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
  /** Run WAL checkpoints on a worker thread (db/checkpointer.ts) instead of inside commits. The server turns it on. */
  backgroundCheckpoint?: boolean;
}

export async function bootstrap(opts: BootOptions): Promise<Deps & { close(): Promise<void> }> {
  const { db, sqlite } = createDb(opts.dbFile, { synchronous: opts.synchronous ?? 'FULL' });
  await migrateToLatest(db);
  const catalog = opts.catalog ?? loadCatalog(contentFsFrom(fs), opts.contentDir);
  const now = opts.now ?? (() => new Date());
  const clock = () => now().getTime();
  const checkpointer =
    opts.backgroundCheckpoint && opts.dbFile !== ':memory:' ? new BackgroundCheckpointer(opts.dbFile) : null;
  // With the worker copying pages as commits arrive, the connection's own automatic checkpoint is only
  // the bound on the WAL's size: at 4,000 pages (16 MB) instead of 1,000 it rarely runs, and then
  // copies only what the worker has not (measured: 1,000 left one inline checkpoint per ~10 commits;
  // 10,000 without the worker made each inline one long enough to hurt p99).
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_WITH_WORKER}`);
  const writer = new GroupCommitter(sqlite, {
    windowMs: opts.groupCommitMs ?? 2,
    afterCommit: checkpointer ? () => checkpointer.poke() : undefined,
  });
  const log = opts.log ?? jsonLogger();
  const certificateSigner =
    opts.certificateSigner ??
    loadSigner({
      dataDir: opts.dataDir ?? (opts.dbFile === ':memory:' ? null : path.dirname(path.resolve(opts.dbFile))),
      envKey: opts.certSigningKey,
      warn: log.warn,
    });
  const sessionCache = new SessionCache(db, sqlite);
  const consultationCipher = loadConsultationCipher({
    dataDir: opts.dataDir ?? (opts.dbFile === ':memory:' ? null : path.dirname(path.resolve(opts.dbFile))),
    envKey: opts.consultationKey,
  });
  return {
    db,
    sqlite,
    writer,
    catalog,
    now,
    log,
    certificateSigner,
    sessionCache,
    consultationCipher,
    config: {
      trustedOrigins: [],
      publicUrl: null,
      secureCookies: false,
      bodyLimit: 1024 * 1024,
      production: false,
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
    checkpointer,
    mfaChallenges: new MfaChallenges(clock),
    async close() {
      writer.flush();
      await checkpointer?.close();
      sessionCache.close();
      await db.destroy();
    },
  };
}
