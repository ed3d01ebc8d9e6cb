/**
 * The server's entry: migrate, seed the demo on first run, and serve the site and the API on one
 * port. `npm start` runs it compiled (dist/server/start.mjs, built with the site by
 * scripts/build.ts) through scripts/start.mjs, which first rebuilds when sources changed; tests run
 * it from source with tsx.
 */
import path from 'node:path';
import { bootstrap } from './bootstrap.ts';
import { readEnv } from './config.ts';
import { jsonLogger } from './log.ts';
import { createServerApp, listen } from './server.ts';
import { hashPassword } from './auth/password.ts';
import { DEMO_ACCOUNTS, demoSeedRefusal, seedDemo } from '../db/seed.ts';
import { secureDataDir } from '../db/file-modes.ts';
import { listenHost, openDemoAccounts } from './demo-guard.ts';
import { seedAttempts } from '../db/seed-attempts.ts';
import { issueMissingCertificates } from './certificates/issue.ts';
import { scheduleBackups } from '../db/backup.ts';
import { cohortsRepo } from '../db/repos/cohorts.ts';
import { ARCHIVE_DAYS } from './routes/cohorts.ts';
import { scheduleAuditPrune } from './audit-retention.ts';
import { ltiWorker } from './lti/worker.ts';

const env = readEnv();
const log = jsonLogger(undefined, env.LOG_LEVEL);

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
  verifyRateLimit: env.VERIFY_RATE_LIMIT,
  // WAL checkpoints on a worker thread, off the event loop (db/checkpointer.ts).
  backgroundCheckpoint: true,
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
  },
});

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

if (env.BACKUP_INTERVAL > 0)
  scheduleBackups(deps.sqlite, path.join(env.DATA_DIR, 'backups'), env.BACKUP_INTERVAL, env.BACKUP_KEEP, log.info);

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
const url = `http://localhost:${server.port}/`;
console.log(`\nOberih is running: ${url}uk/  (English: ${url}en/, API docs: ${url}api/docs)`);
console.log(`Database: ${path.resolve(env.dbFile)}${seeded ? ' (demo data created)' : ''}`);
if (openDemo.length) {
  console.log('\nDemo accounts (demo only — never use these passwords for real data):');
  for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email.padEnd(26)} ${a.password}`);
  console.log(`  cadets cadet01…cadet29@oberih.demo and officers officer01…02@oberih.demo use demo-cadet-2026\n`);
}

const shutdown = () => {
  server.close();
  void lti
    .stop()
    .then(() => deps.close())
    .finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
