import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { migrateDown, migrateToLatest, LATEST_MIGRATION } from '../../db/migrate.ts';
import { migrations } from '../../db/migrations/index.ts';
import { tempDir } from '../helpers/app.ts';

const tables = async (db: ReturnType<typeof createDb>['db']) =>
  (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(db)).rows.map((r) => r.name);

describe('migrations', () => {
  it('are date-prefixed and applied in order', () => {
    const names = Object.keys(migrations);
    for (const n of names) expect(n).toMatch(/^\d{4}-\d{2}-\d{2}T\d{4}-[a-z0-9-]+$/);
    expect([...names].sort()).toEqual(names);
    expect(LATEST_MIGRATION).toBe(names.at(-1));
  });

  it('go up and down on a fresh file, and up again', async () => {
    const { db, sqlite } = createDb(path.join(tempDir(), 'm.sqlite'));
    expect(await migrateToLatest(db)).toHaveLength(Object.keys(migrations).length);
    expect(await tables(db)).toEqual(expect.arrayContaining(['users', 'sessions', 'audit_log', 'cohorts', 'enrolment_codes', 'progress_events', 'attempts', 'certificates']));
    expect(await migrateToLatest(db)).toEqual([]);
    await migrateDown(db, true);
    expect(await tables(db)).toEqual([]);
    await migrateToLatest(db);
    expect((await tables(db)).length).toBeGreaterThan(8);
    expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    await db.destroy();
  });
});
