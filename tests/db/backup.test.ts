import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import SQLite from 'better-sqlite3';
import { backupTo, checkFile, restoreFrom } from '../../db/sqlite/backup.ts';
import { createDb } from '../../db/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { tempDir } from '../helpers/app.ts';

describe('backup and restore', () => {
  it('takes an online backup that passes integrity_check and holds the data', async () => {
    const dir = tempDir();
    const { db, sqlite } = createDb(path.join(dir, 'live.sqlite'));
    await migrateToLatest(db);
    await db
      .insertInto('users')
      .values({
        email: 'a@b.ua',
        full_name: 'Оксана',
        role: 'cadet',
        password_hash: 'x',
        locale: 'uk',
        created_at: new Date().toISOString(),
      })
      .execute();
    const r = await backupTo(sqlite, path.join(dir, 'b', 'copy.sqlite'));
    expect(r.integrity).toBe('ok');
    const copy = new SQLite(r.file, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('select full_name from users').get()).toEqual({ full_name: 'Оксана' });
    copy.close();
    await db.destroy();
  });

  it('refuses to restore a corrupt file or one from a newer schema', async () => {
    const dir = tempDir();
    const junk = path.join(dir, 'junk.sqlite');
    fs.writeFileSync(junk, 'this is not a database'.repeat(100));
    expect(() => restoreFrom(junk, path.join(dir, 'target.sqlite'))).toThrow(
      /refusing to restore.*(integrity|not a readable)/,
    );
    const newer = path.join(dir, 'newer.sqlite');
    const { db } = createDb(newer);
    await migrateToLatest(db);
    await db
      .insertInto('kysely_migration' as never)
      .values({ name: '2999-01-01T0000-future', timestamp: new Date().toISOString() } as never)
      .execute();
    await db.destroy();
    expect(checkFile(newer).latestMigration).toBe('2999-01-01T0000-future');
    expect(() => restoreFrom(newer, path.join(dir, 'target.sqlite'))).toThrow(/newer than this version/);
  });

  it('keeps every committed transaction still in the WAL in the "previous" copy', async () => {
    const dir = tempDir();
    const live = path.join(dir, 'live.sqlite');
    const { db, sqlite } = createDb(live);
    await migrateToLatest(db);
    const backup = path.join(dir, 'backup.sqlite');
    await backupTo(sqlite, backup);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.pragma('wal_autocheckpoint = 0'); // what follows stays in the WAL, as after a crash
    for (let i = 0; i < 20; i++) {
      await db
        .insertInto('users')
        .values({
          email: `u${i}@b.ua`,
          full_name: `Курсант ${i}`,
          role: 'cadet',
          password_hash: 'x',
          locale: 'uk',
          created_at: new Date().toISOString(),
        })
        .execute();
    }
    // The state a SIGKILL or power loss leaves behind: main file plus a WAL holding the commits.
    const crashed = path.join(dir, 'crashed');
    fs.mkdirSync(crashed);
    for (const ext of ['', '-wal']) fs.copyFileSync(live + ext, path.join(crashed, 'oberih.sqlite' + ext));
    await db.destroy();
    expect(fs.statSync(path.join(crashed, 'oberih.sqlite-wal')).size).toBeGreaterThan(0);

    const r = restoreFrom(backup, path.join(crashed, 'oberih.sqlite'));
    expect(r.previousKeptAs).not.toBeNull();
    const previous = new SQLite(r.previousKeptAs!, { readonly: true });
    expect(previous.prepare('select count(*) as n from users').get()).toEqual({ n: 20 });
    previous.close();
    const restored = new SQLite(r.replaced, { readonly: true });
    expect(restored.prepare('select count(*) as n from users').get()).toEqual({ n: 0 });
    restored.close();
  });

  it('refuses to restore while a server has the database open, and leaves it untouched', async () => {
    const dir = tempDir();
    const live = path.join(dir, 'live.sqlite');
    const { db, sqlite } = createDb(live);
    await migrateToLatest(db);
    const backup = path.join(dir, 'backup.sqlite');
    await backupTo(sqlite, backup);
    expect(() => restoreFrom(backup, live)).toThrow(/in use by another process/);
    expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore'))).toEqual([]);
    expect(sqlite.prepare('select count(*) as n from kysely_migration').get()).toMatchObject({ n: expect.any(Number) });
    await db.destroy();
    expect(restoreFrom(backup, live).previousKeptAs).toMatch(/before-restore/);
  });
});
