import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { LATEST_MIGRATION } from '../migrate.ts';

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
 * of Oberih (its schema has migrations this code does not know), and refuses while any other process
 * (a running server, a backup) has the database open. The live database is kept whole as
 * "previous": its WAL is checkpointed into it first, because after a crash the WAL holds committed
 * transactions the main file does not (https://sqlite.org/wal.html#checkpointing). The new file and
 * the directory entry are fsynced before we report success.
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
  const dir = path.dirname(path.resolve(target));
  let previousKeptAs: string | null = null;
  if (fs.existsSync(target)) {
    settleLiveDatabase(target);
    previousKeptAs = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    fs.renameSync(target, previousKeptAs);
    // settleLiveDatabase emptied the WAL; should a -wal still exist, it travels with its database.
    for (const ext of ['-wal', '-shm']) {
      if (fs.existsSync(target + ext)) fs.renameSync(target + ext, previousKeptAs + ext);
    }
  }
  const tmp = `${target}.restoring`;
  fs.copyFileSync(backup, tmp);
  fsyncPath(tmp);
  fs.renameSync(tmp, target);
  fsyncPath(dir);
  return { replaced: target, previousKeptAs };
}

/**
 * Prove nobody else has the database open and fold its WAL into the main file. In WAL mode every open
 * connection holds a shared lock on the database file, so an exclusive lock taken without waiting
 * (`locking_mode=EXCLUSIVE` + `BEGIN EXCLUSIVE`, busy timeout 0) fails while a server runs.
 */
function settleLiveDatabase(target: string) {
  let db: SQLite.Database | undefined;
  try {
    db = new SQLite(target, { fileMustExist: true, timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
      db.exec('COMMIT');
    } catch (e) {
      if ((e as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
        throw new Error(
          `refusing to restore: ${target} is in use by another process (stop the server, then run db:restore again)`,
        );
      }
      throw e;
    }
    const [r] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number; checkpointed: number }[];
    if (r && r.busy !== 0) throw new Error(`refusing to restore: could not checkpoint the WAL of ${target}`);
    db.pragma('journal_mode = DELETE'); // removes the now empty -wal and -shm on close
  } finally {
    db?.close();
  }
  fsyncPath(target);
}

function fsyncPath(p: string) {
  const fd = fs.openSync(p, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Scheduled backups into `dir`, keeping the newest `keep` files. */
export function scheduleBackups(
  backup: (file: string) => Promise<{ file: string; bytes: number }>,
  dir: string,
  everyMinutes: number,
  keep: number,
  log: (msg: string, f?: Record<string, unknown>) => void,
): () => void {
  const run = async () => {
    const file = path.join(dir, `oberih-${new Date().toISOString().replace(/[:.]/g, '-')}.sqlite`);
    try {
      const r = await backup(file);
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
