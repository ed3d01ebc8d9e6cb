/**
 * The server's entry: migrate, seed the demo on first run, and serve the site and the API on one
 * port. `npm start` runs it compiled (dist/server/start.mjs, built with the site by
 * scripts/build.ts) through scripts/start.mjs, which first rebuilds when sources changed; tests run
 * it from source with tsx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bootstrap } from './bootstrap.ts';
import { readEnv } from './config.ts';
import { jsonLogger } from './log.ts';
import { createServerApp, listen } from './server.ts';
import { hashPassword, verifyPassword } from './auth/password.ts';
import { DEMO_ACCOUNTS, seedDemo } from '../db/seed.ts';
import { seedAttempts } from '../db/seed-attempts.ts';
import { issueMissingCertificates } from './certificates/issue.ts';
import { scheduleBackups } from '../db/backup.ts';
import { usersRepo } from '../db/repos/users.ts';
import { scheduleAuditPrune } from './audit-retention.ts';

const env = readEnv();
const log = jsonLogger(undefined, env.LOG_LEVEL);

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
  },
});

let seeded = false;
if (!production) {
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
// Loud warning while any demo password still opens an account.
for (const a of DEMO_ACCOUNTS) {
  const u = await usersRepo(deps.db).byEmail(a.email);
  if (u && u.active && (await verifyPassword(u.password_hash, a.password))) {
    log.warn('demo password in use', { account: a.email });
    if (production)
      console.error(
        `\n!!! WARNING: the demo account ${a.email} still has its published demo password. Change or deactivate it now. !!!\n`,
      );
  }
}

scheduleAuditPrune(deps, env.AUDIT_RETENTION_DAYS);

if (env.BACKUP_INTERVAL > 0)
  scheduleBackups(deps.sqlite, path.join(env.DATA_DIR, 'backups'), env.BACKUP_INTERVAL, env.BACKUP_KEEP, log.info);

const app = createServerApp(deps, env.SITE_DIR);
const server = await listen(app, env.PORT, env.HOST);
const url = `http://localhost:${server.port}/`;
console.log(`\nOberih is running: ${url}uk/  (English: ${url}en/, API docs: ${url}api/docs)`);
console.log(`Database: ${path.resolve(env.dbFile)}${seeded ? ' (demo data created)' : ''}`);
if (!production) {
  console.log('\nDemo accounts (demo only — never use these passwords for real data):');
  for (const a of DEMO_ACCOUNTS) console.log(`  ${a.role.padEnd(10)} ${a.email.padEnd(26)} ${a.password}`);
  console.log(`  cadets cadet01…cadet29@oberih.demo and officers officer01…02@oberih.demo use demo-cadet-2026\n`);
}

const shutdown = () => {
  server.close();
  deps.close().finally(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
fs.mkdirSync(env.DATA_DIR, { recursive: true });
