/** Wires the real dependencies: database, content, limits. Used by the server and by tests. */
import fs from 'node:fs';
import { contentFsFrom, loadCatalog, type Catalog } from '../courses/catalog.ts';
import { createDb } from '../db/connection.ts';
import { GroupCommitter } from '../db/group-commit.ts';
import { migrateToLatest } from '../db/migrate.ts';
import type { Config, Deps } from './deps.ts';
import { jsonLogger, type Logger } from './log.ts';
import { RateLimiter } from './middleware/rate-limit.ts';
import { loadSigner, type CertificateSigner } from './certificates/keys.ts';
import { SessionCache } from './auth/session-cache.ts';
import path from 'node:path';

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
}

export async function bootstrap(opts: BootOptions): Promise<Deps & { close(): Promise<void> }> {
  const { db, sqlite } = createDb(opts.dbFile, { synchronous: opts.synchronous ?? 'FULL' });
  await migrateToLatest(db);
  const catalog = opts.catalog ?? loadCatalog(contentFsFrom(fs), opts.contentDir);
  const now = opts.now ?? (() => new Date());
  const clock = () => now().getTime();
  const writer = new GroupCommitter(sqlite, { windowMs: opts.groupCommitMs ?? 2 });
  const log = opts.log ?? jsonLogger();
  const certificateSigner = opts.certificateSigner ?? loadSigner({ dataDir: opts.dataDir ?? (opts.dbFile === ':memory:' ? null : path.dirname(path.resolve(opts.dbFile))), envKey: opts.certSigningKey, warn: log.warn });
  return {
    db,
    sqlite,
    writer,
    catalog,
    now,
    log,
    certificateSigner,
    sessionCache: new SessionCache(db, sqlite),
    config: { trustedOrigins: [], publicUrl: null, secureCookies: false, bodyLimit: 1024 * 1024, production: false, ...opts.config },
    limits: {
      // OWASP: throttle per account and per source; windows expire, so no permanent lockout.
      loginByAccount: new RateLimiter(5, 15 * 60 * 1000, clock),
      loginByIp: new RateLimiter(30, 15 * 60 * 1000, clock),
      verify: new RateLimiter(opts.verifyRateLimit ?? 60, 60 * 1000, clock),
      redeem: new RateLimiter(10, 15 * 60 * 1000, clock),
    },
    async close() {
      writer.flush();
      await db.destroy();
    },
  };
}
