/**
 * The server's entry: migrate, seed the demo on first run, and serve the site and the API on one
 * port. `npm start` runs it compiled (dist/server/start.mjs, built with the site by
 * scripts/build.ts) through scripts/start.mjs, which first rebuilds when sources changed; tests run
 * it from source with tsx.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bootstrap } from './bootstrap.ts';
import { readEnvOrExit } from './config.ts';
import { checkDatabaseOrExit, EXIT_BAD_SETTING, runPrimary } from './start-checks.ts';
import { reportListening } from './cluster.ts';
import { isPostgres } from '../db/migrations/dialect.ts';
import { redactUrl } from '../db/postgres/connection.ts';
import { jsonLogger } from './log.ts';
import { createServerApp, listen } from './server.ts';
import { hashPassword } from './auth/password.ts';
import { DEMO_ACCOUNTS, demoSeedRefusal, seedDemo } from '../db/seed.ts';
import { secureDataDir } from '../db/file-modes.ts';
import { listenHost, openDemoAccounts } from './demo-guard.ts';
import { seedAttempts } from '../db/seed-attempts.ts';
import { issueMissingCertificates } from './certificates/issue.ts';
import { scheduleBackups } from '../db/sqlite/backup.ts';
import { cohortsRepo } from '../db/repos/cohorts.ts';
import { ARCHIVE_DAYS } from './routes/cohorts.ts';
import { scheduleAuditPrune } from './audit-retention.ts';
import { createOutboxWorker, smtpTransport } from './email/outbox-worker.ts';
import { scheduleDailyReminders } from './email/reminders.ts';
import { scheduleConsultationJobs } from './consultation/jobs.ts';
import { ltiWorker } from './lti/worker.ts';
import { KeyMismatchError } from './key-check.ts';

// A bad setting, an unreachable or newer database: one line on stderr, a non-zero exit, nothing written.
const env = readEnvOrExit();
const log = jsonLogger(undefined, env.LOG_LEVEL);
if (!cluster.isWorker) await checkDatabaseOrExit(env);
// WORKERS=N (PostgreSQL): this process migrates once, then only supervises the N workers (api/cluster.ts).
if (cluster.isPrimary && env.WORKERS > 1) await runPrimary(env, fileURLToPath(import.meta.url));

// Files the server creates (database, WAL, backups, key) are for this user only; the data folder too.
process.umask(0o077);
secureDataDir(env.DATA_DIR);
if (path.dirname(path.resolve(env.dbFile)) !== path.resolve(env.DATA_DIR))
  secureDataDir(path.dirname(path.resolve(env.dbFile)));

const production = env.NODE_ENV === 'production';
const deps = await bootstrap({
  dbFile: env.dbFile,
  contentDir: env.CONTENT_DIR,
  log,
  synchronous: env.DB_SYNCHRONOUS,
  groupCommitMs: env.GROUP_COMMIT_MS,
  dataDir: env.DATA_DIR,
  certSigningKey: env.CERT_SIGNING_KEY,
  consultationKey: env.CONSULTATION_KEY,
  ltiKeyEncryptionKey: env.LTI_KEY_ENCRYPTION_KEY,
  verifyRateLimit: env.VERIFY_RATE_LIMIT,
  // PostgreSQL when DATABASE_URL is set (the storage port in bootstrap picks the engine).
  databaseUrl: env.databaseUrl ?? undefined,
  databaseReadUrl: env.databaseReadUrl ?? undefined,
  databasePoolMax: env.DATABASE_POOL_MAX,
  databaseStatementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
  databaseSessionCache: env.DATABASE_SESSION_CACHE === 'on',
  // WAL checkpoints on a worker thread, off the event loop (db/checkpointer.ts).
  backgroundCheckpoint: true,
  // Reports on worker threads, each with its own connection (db/report-worker.ts).
  reportWorker: env.REPORT_WORKER > 0,
  reportWorkers: env.REPORT_WORKER,
  reportLimits: { maxQueued: env.REPORT_QUEUE, timeoutMs: env.REPORT_TIMEOUT_MS },
  config: {
    publicUrl: env.PUBLIC_URL ?? null,
    trustedOrigins: env.TRUSTED_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    secureCookies: env.SECURE_COOKIES === 'always',
    bodyLimit: env.BODY_LIMIT,
    production,
    trustProxy: env.TRUST_PROXY === '1',
    progressQuota: {
      burst: Math.max(1000, env.PROGRESS_RATE_LIMIT),
      perMinute: env.PROGRESS_RATE_LIMIT,
      perModule: env.PROGRESS_MODULE_QUOTA,
    },
    requireAdminMfa: production,
    consultationRetentionDays: env.CONSULTATION_RETENTION_DAYS,
    // Development answers are checked against the declared response schemas (api/contract.ts).
    checkResponses: !production,
    smtp: !!env.SMTP_URL,
    ltiAllowPrivateUrls: env.LTI_ALLOW_PRIVATE_URLS === '1',
  },
}).catch((e: unknown) => {
  // A key that does not match the database's data (api/key-check.ts): a setting to fix, nothing written.
  if (!(e instanceof KeyMismatchError)) throw e;
  console.error(`error: ${e.message}`);
  process.exit(EXIT_BAD_SETTING);
});
if (env.databaseUrl && !isPostgres(deps.db)) {
  console.error('error: DATABASE_URL is set but this build cannot serve from PostgreSQL yet (bootstrap opened SQLite)');
  process.exit(1);
}

let seeded = false;
const refusal = demoSeedRefusal(env);
if (!refusal) {
  const courses = [...deps.catalog.courses.values()].map((c) => ({ id: c.course.id, modules: c.course.modules }));
  seeded = (
    await seedDemo(deps.db, {
      hash: hashPassword,
      courses,
      base: new Date(),
      afterProgress: seedAttempts(deps.catalog),
    })
  ).created;
  // The seed writes completions directly: give them their certificates, as the API would have.
  if (seeded) await issueMissingCertificates(deps);
}
// While any published demo password still opens an account, nobody but this machine may reach it.
const openDemo = await openDemoAccounts(deps.db);
const host = listenHost(env.HOST, openDemo);
if (openDemo.length) {
  log.warn('demo password in use', { accounts: openDemo.length, host });
  const named = openDemo.slice(0, 5).join(', ') + (openDemo.length > 5 ? ` and ${openDemo.length - 5} more` : '');
  console.error(
    `\n!!! ${named}: a published demo password still opens ${openDemo.length === 1 ? 'this account' : 'these accounts'}.\n` +
      `!!! The server listens on ${host} only (not ${env.HOST}) until every demo password is changed or the account\n` +
      '!!! deactivated (sign in, Profile → Change password; or an admin deactivates it). For a real deployment\n' +
      '!!! start from an empty database with NODE_ENV=production or SEED_DEMO=0.\n',
  );
}

scheduleAuditPrune(deps, env.AUDIT_RETENTION_DAYS);
scheduleConsultationJobs(deps);

// SQLite's online backup; on PostgreSQL the database's own tooling backs up (docs/operations.md).
if (env.BACKUP_INTERVAL > 0 && deps.storage.backup)
  scheduleBackups(
    deps.storage.backup,
    path.join(env.DATA_DIR, 'backups'),
    env.BACKUP_INTERVAL,
    env.BACKUP_KEEP,
    log.info,
  );
// Email (docs/email.md): reminders are queued hourly (idempotent); the worker sends only with SMTP_URL.
scheduleDailyReminders(deps, log);
const outbox = createOutboxWorker({
  db: deps.db,
  now: deps.now,
  log,
  from: env.EMAIL_FROM,
  maxAttempts: env.EMAIL_MAX_ATTEMPTS,
  transport: env.SMTP_URL ? smtpTransport(env.SMTP_URL) : null,
});
outbox.start(env.EMAIL_POLL_SECONDS * 1000);
if (!env.SMTP_URL) log.info('SMTP_URL not set: emails stay in the outbox, readable at /uk/admin/email/');

// Cohorts deleted more than ARCHIVE_DAYS ago go for good (until then an admin can restore them).
const purgeArchivedCohorts = () =>
  cohortsRepo(deps.db)
    .purgeArchived(new Date(deps.now().getTime() - ARCHIVE_DAYS * 86_400_000).toISOString())
    .then((n) => n && log.info('archived cohorts purged', { cohorts: n }))
    .catch((e: Error) => log.warn('archived cohort purge failed', { error: e.message }));
void purgeArchivedCohorts();
setInterval(() => void purgeArchivedCohorts(), 86_400_000).unref();

// LTI: scores to the platforms' gradebooks, roster refreshes (api/lti/worker.ts).
const lti = ltiWorker(deps);
lti.start();

const app = createServerApp(deps, env.SITE_DIR, { staticCacheBytes: env.STATIC_CACHE_MB * 1024 * 1024 });
const server = await listen(app, env.PORT, host);
reportListening(server.port);
const url = `http://localhost:${server.port}/`;
// Under WORKERS=N the primary prints the banner once, for all workers.
if (!cluster.isWorker) console.log(`\nOberih is running: ${url}uk/  (English: ${url}en/, API docs: ${url}api/docs)`);
if (!cluster.isWorker)
  console.log(
    `Database: ${env.databaseUrl ? redactUrl(env.databaseUrl) : path.resolve(env.dbFile)}${seeded ? ' (demo data created)' : ''}`,
  );
if (openDemo.length && !cluster.isWorker) {
  console.log('\nDemo accounts (demo only — never use these passwords for real data):');
  for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email.padEnd(26)} ${a.password}`);
  console.log(`  cadets cadet01…cadet29@oberih.demo and officers officer01…02@oberih.demo use demo-cadet-2026\n`);
}

const shutdown = () => {
  server.close();
  void Promise.all([outbox.stop(), lti.stop()])
    .then(() => deps.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
