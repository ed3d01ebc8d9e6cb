import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { LATEST_MIGRATION } from './migrate.ts';

/** Copy a live database with SQLite's online backup API (safe while the server writes), then check the copy. */
export async function backupTo(
  sqlite: SQLite.Database,
  dest: string,
): Promise<{ file: string; bytes: number; integrity: string }> {
  fs.mkdirSync(path.dirname(path.resolve(dest)), { recursive: true });
  const tmp = `${dest}.partial`;
  fs.rmSync(tmp, { force: true });
  await sqlite.backup(tmp);
  const integrity = checkFile(tmp).integrity;
  if (integrity !== 'ok') {
    fs.rmSync(tmp, { force: true });
    throw new Error(`backup failed its integrity check: ${integrity}`);
  }
  fs.renameSync(tmp, dest);
  return { file: dest, bytes: fs.statSync(dest).size, integrity };
}

/** Integrity and schema version of a database file, without changing it. */
export function checkFile(file: string): { integrity: string; latestMigration: string | null } {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(file, { readonly: true, fileMustExist: true });
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    const hasTable = db.prepare("select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'").get();
    const latest = hasTable
      ? ((
          db.prepare('select name from kysely_migration order by name desc limit 1').get() as
            { name: string } | undefined
        )?.name ?? null)
      : null;
    return { integrity, latestMigration: latest };
  } catch (e) {
    return { integrity: `not a readable SQLite database (${(e as Error).message})`, latestMigration: null };
  } finally {
    db?.close();
  }
}

/**
 * Replace the database file with a backup. Refuses a corrupt file and one written by a newer version
 * of Oberih (its schema has migrations this code does not know). The server must be stopped.
 */
export function restoreFrom(backup: string, target: string): { replaced: string; previousKeptAs: string | null } {
  if (!fs.existsSync(backup)) throw new Error(`no such file: ${backup}`);
  const { integrity, latestMigration } = checkFile(backup);
  if (integrity !== 'ok') throw new Error(`refusing to restore ${backup}: integrity check says "${integrity}"`);
  if (!latestMigration)
    throw new Error(`refusing to restore ${backup}: it is not an Oberih database (no migration table)`);
  if (latestMigration > LATEST_MIGRATION) {
    throw new Error(
      `refusing to restore ${backup}: its schema (${latestMigration}) is newer than this version of Oberih knows (${LATEST_MIGRATION}); upgrade Oberih first`,
    );
  }
  let previousKeptAs: string | null = null;
  if (fs.existsSync(target)) {
    previousKeptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, previousKeptAs);
  }
  for (const ext of ['-wal', '-shm']) fs.rmSync(target + ext, { force: true });
  fs.copyFileSync(backup, target);
  return { replaced: target, previousKeptAs };
}

/** Scheduled backups into `dir`, keeping the newest `keep` files. */
export function scheduleBackups(
  sqlite: SQLite.Database,
  dir: string,
  everyMinutes: number,
  keep: number,
  log: (msg: string, f?: Record<string, unknown>) => void,
): () => void {
  const run = async () => {
    const file = path.join(dir, `oberih-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`);
    try {
      const r = await backupTo(sqlite, file);
      log('backup written', { file: r.file, bytes: r.bytes });
      const old = fs
        .readdirSync(dir)
        .filter((f) => /^oberih-.*\.sqlite$/.test(f))
        .sort()
        .reverse()
        .slice(keep);
      for (const f of old) fs.rmSync(path.join(dir, f));
    } catch (e) {
      log('backup failed', { error: (e as Error).message });
    }
  };
  const timer = setInterval(run, everyMinutes * 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
