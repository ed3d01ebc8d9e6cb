/** `npm run db:migrate | db:seed | db:backup -- <file> | db:restore -- <file>` */
import fs from 'node:fs';
import { readEnv } from '../api/config.ts';
import { hashPassword } from '../api/auth/password.ts';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { createDb } from './connection.ts';
import { backupTo, restoreFrom } from './sqlite/backup.ts';
import { migrateToLatest, migrateDown } from './migrate.ts';
import { demoSeedRefusal, seedDemo } from './seed.ts';
import { seedAttempts } from './seed-attempts.ts';

const [command, arg] = process.argv.slice(2);
const env = readEnv();
// Backups and databases this command writes are for this user only (see db/file-modes.ts).
process.umask(0o077);

async function main() {
  switch (command) {
    case 'migrate': {
      const { db } = createDb(env.dbFile);
      const done = await migrateToLatest(db);
      console.log(done.length ? done.join('\n') : 'database is up to date');
      await db.destroy();
      return;
    }
    case 'rollback': {
      const { db } = createDb(env.dbFile);
      console.log((await migrateDown(db, arg === '--all')).join('\n') || 'nothing to undo');
      await db.destroy();
      return;
    }
    case 'seed': {
      const refusal = demoSeedRefusal(env);
      if (refusal) throw new Error(`refusing to seed demo accounts: ${refusal}`);
      const { db } = createDb(env.dbFile);
      await migrateToLatest(db);
      const catalog = loadCatalog(contentFsFrom(fs), env.CONTENT_DIR);
      const courses = [...catalog.courses.values()].map((c) => ({ id: c.course.id, modules: c.course.modules }));
      const r = await seedDemo(db, {
        hash: hashPassword,
        courses,
        base: new Date(),
        afterProgress: seedAttempts(catalog),
      });
      console.log(r.created ? `demo data written to ${env.dbFile}` : 'demo data already present: nothing changed');
      await db.destroy();
      return;
    }
    case 'backup': {
      const dest = arg ?? `${env.DATA_DIR}/backups/oberih-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`;
      if (!fs.existsSync(env.dbFile)) throw new Error(`no database at ${env.dbFile}`);
      const { sqlite } = createDb(env.dbFile);
      const r = await backupTo(sqlite, dest);
      console.log(`backup written: ${r.file} (${r.bytes} bytes, integrity ${r.integrity})`);
      sqlite.close();
      return;
    }
    case 'restore': {
      if (!arg) throw new Error('usage: npm run db:restore -- <backup-file>   (stop the server first)');
      const r = restoreFrom(arg, env.dbFile);
      console.log(
        `restored ${arg} → ${r.replaced}${r.previousKeptAs ? ` (previous database kept as ${r.previousKeptAs})` : ''}`,
      );
      return;
    }
    default:
      throw new Error('usage: tsx db/cli.ts migrate | rollback [--all] | seed | backup [file] | restore <file>');
  }
}

main().catch((e) => {
  console.error(`error: ${(e as Error).message}`);
  process.exit(1);
});
