import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { migrateDown, migrateToLatest, LATEST_MIGRATION } from '../../db/migrate.ts';
import { migrations } from '../../db/migrations/index.ts';
import * as dropRedundantIndex from '../../db/migrations/2026-11-29T1200-progress-drop-redundant-index.ts';
import { tempDir } from '../helpers/app.ts';

const tables = async (db: ReturnType<typeof createDb>['db']) =>
  (
    await sql<{
      name: string;
    }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name`.execute(
      db,
    )
  ).rows.map((r) => r.name);

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
    expect(await tables(db)).toEqual(
      expect.arrayContaining([
        'users',
        'sessions',
        'audit_log',
        'cohorts',
        'enrolment_codes',
        'progress_events',
        'attempts',
        'certificates',
      ]),
    );
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

  it('progress_events keeps only the indexes a query uses: the unique (user, client id) and the report index', async () => {
    const { db, sqlite } = createDb(path.join(tempDir(), 'i.sqlite'));
    await migrateToLatest(db);
    const indexes = () =>
      sqlite
        .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'progress_events' order by name")
        .pluck()
        .all() as string[];
    expect(indexes()).toEqual(expect.arrayContaining(['progress_events_client', 'progress_events_report']));
    expect(indexes()).not.toContain('progress_events_user_course');
    // Every query that reads progress_events still searches by an index (never a scan of the table).
    const plans = [
      "select course_id, module_id, max(occurred_at) from progress_events where user_id = 1 and course_id = 'c' group by course_id, module_id",
      'select course_id, module_id, max(occurred_at) from progress_events where user_id = 1 group by course_id, module_id',
      'select count(*) from progress_events where user_id = 1',
      'select client_id from progress_events where user_id = 1 order by occurred_at',
      'delete from progress_events where user_id = 1',
      "select user_id, course_id, module_id, min(occurred_at) from progress_events where user_id in (select user_id from cohort_members where cohort_id = 1) and course_id in ('a', 'b') group by user_id, course_id, module_id",
    ].map((q) =>
      (sqlite.prepare(`explain query plan ${q}`).all() as { detail: string }[]).map((r) => r.detail).join('; '),
    );
    for (const p of plans) {
      expect(p).toMatch(/SEARCH progress_events USING (COVERING )?INDEX/);
      expect(p).not.toMatch(/SCAN progress_events/);
    }
    // A duplicate (user, client id) is still refused by the unique index.
    sqlite
      .prepare(
        "insert into users (email, full_name, role, password_hash, locale, created_at) values ('a@b.c', 'A', 'cadet', 'x', 'uk', 'now')",
      )
      .run();
    const ins = sqlite.prepare(
      "insert into progress_events (client_id, user_id, course_id, module_id, kind, occurred_at, received_at) values ('dup-12345', 1, 'c', 'm', 'viewed', 'now', 'now')",
    );
    ins.run();
    expect(() => ins.run()).toThrow(/UNIQUE/);
    // Its down brings the dropped index back.
    await dropRedundantIndex.down(db);
    expect(indexes()).toContain('progress_events_user_course');
    await db.destroy();
  });
});
