/**
 * `npm run db:migrate | db:seed | db:backup -- <file> | db:restore -- <file> | db:copy -- --to <url>`.
 * migrate, rollback and seed work on the configured engine: PostgreSQL when `DATABASE_URL` is set
 * (checked first by db/postgres/preflight.ts), else the SQLite file.
 */
import fs from 'node:fs';
import { readEnvOrExit } from '../api/config.ts';
import { hashPassword } from '../api/auth/password.ts';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { createDb, type DB } from './connection.ts';
import { createPgDb } from './postgres/connection.ts';
import { preflight, PreflightError } from './postgres/preflight.ts';
import { main as copyMain } from './copy.ts';
import { backupTo, restoreFrom } from './sqlite/backup.ts';
import { migrateToLatest, migrateDown } from './migrate.ts';
import { demoSeedRefusal, seedDemo } from './seed.ts';
import { seedAttempts } from './seed-attempts.ts';

const [command, arg] = process.argv.slice(2);
const env = readEnvOrExit();
// Backups and databases this command writes are for this user only (see db/file-modes.ts).
process.umask(0o077);

/** The configured database: PostgreSQL (after its preflight) or the SQLite file. */
async function openDb(): Promise<DB> {
  if (!env.databaseUrl) return createDb(env.dbFile).db;
  await preflight(env.databaseUrl);
  // Migrations may run long (an index on a big table): no statement timeout for this command.
  return createPgDb(env.databaseUrl, { max: 2, statementTimeoutMs: 0, applicationName: 'oberih-cli' }).db;
}

function sqliteOnly(what: string) {
  if (env.databaseUrl)
    throw new Error(
      `${what} works on the SQLite file; with DATABASE_URL use PostgreSQL's own tools (pg_dump, pgBackRest: see docs/operations.md)`,
    );
}

async function main() {
  switch (command) {
    case 'migrate': {
      const db = await openDb();
      const done = await migrateToLatest(db);
      console.log(done.length ? done.join('\n') : 'database is up to date');
      await db.destroy();
      return;
    }
    case 'rollback': {
      const db = await openDb();
      console.log((await migrateDown(db, arg === '--all')).join('\n') || 'nothing to undo');
      await db.destroy();
      return;
    }
    case 'seed': {
      const refusal = demoSeedRefusal(env);
      if (refusal) throw new Error(`refusing to seed demo accounts: ${refusal}`);
      const db = await openDb();
      await migrateToLatest(db);
      const catalog = loadCatalog(contentFsFrom(fs), env.CONTENT_DIR);
      const courses = [...catalog.courses.values()].map((c) => ({ id: c.course.id, modules: c.course.modules }));
      const r = await seedDemo(db, {
        hash: hashPassword,
        courses,
        base: new Date(),
        afterProgress: seedAttempts(catalog),
      });
      console.log(
        r.created
          ? `demo data written to ${env.databaseUrl ? 'the PostgreSQL database' : env.dbFile}`
          : 'demo data already present: nothing changed',
      );
      await db.destroy();
      return;
    }
    case 'copy': {
      process.exitCode = await copyMain(process.argv.slice(3), env.dbFile);
      return;
    }
    case 'backup': {
      sqliteOnly('db:backup');
      const dest = arg ?? `${env.DATA_DIR}/backups/oberih-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`;
      if (!fs.existsSync(env.dbFile)) throw new Error(`no database at ${env.dbFile}`);
      const { sqlite } = createDb(env.dbFile);
      const r = await backupTo(sqlite, dest);
      console.log(`backup written: ${r.file} (${r.bytes} bytes, integrity ${r.integrity})`);
      sqlite.close();
      return;
    }
    case 'restore': {
      sqliteOnly('db:restore');
      if (!arg) throw new Error('usage: npm run db:restore -- <backup-file>   (stop the server first)');
      const r = restoreFrom(arg, env.dbFile);
      console.log(
        `restored ${arg} → ${r.replaced}${r.previousKeptAs ? ` (previous database kept as ${r.previousKeptAs})` : ''}`,
      );
      return;
    }
    default:
      throw new Error(
        'usage: tsx db/cli.ts migrate | rollback [--all] | seed | backup [file] | restore <file> | copy --to <postgres-url> [--from <file>]',
      );
  }
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(e instanceof PreflightError ? 3 : 1);
});
