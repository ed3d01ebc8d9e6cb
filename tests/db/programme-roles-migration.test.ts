import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { migrateDown, migrateToLatest } from '../../db/migrate.ts';
import { enqueueEmail } from '../../db/repos/email-outbox.ts';
import { tempDir } from '../helpers/app.ts';

const NOW = new Date('2026-12-04T12:00:00.000Z');

const addUser = (db: ReturnType<typeof createDb>['db'], email: string, role: string) =>
  db
    .insertInto('users')
    .values({
      email,
      full_name: 'A',
      role: role as never,
      password_hash: 'x',
      locale: 'uk',
      created_at: NOW.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

describe('programme roles migration', () => {
  it('rebuilds users with the new roles, keeps rows and references, and refuses unknown roles', async () => {
    const { db, sqlite } = createDb(path.join(tempDir(), 'roles.sqlite'));
    await migrateDown(db, true).catch(() => []);
    // Everything before the rebuild, with a user and a session that references it.
    await migrateToLatest(db);
    // Down, one step at a time, until the roles migration itself is undone.
    for (let step = 0; step < 50; step++) {
      const undone = await migrateDown(db);
      if (undone.some((line) => line.includes('-programme-roles:'))) break;
    }
    const at = NOW.toISOString();
    const { id } = await addUser(db, 'a@example.ua', 'cadet');
    await db
      .insertInto('sessions')
      .values({ id: 's1', user_id: id, expires_at: at, created_at: at } as never)
      .execute();
    await expect(addUser(db, 'c@example.ua', 'coordinator')).rejects.toThrow(/CHECK/);

    await migrateToLatest(db);
    await addUser(db, 'c@example.ua', 'coordinator');
    await expect(addUser(db, 'd@example.ua', 'boss')).rejects.toThrow(/CHECK/);
    expect(await db.selectFrom('sessions').select('user_id').execute()).toEqual([{ user_id: id }]);
    expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
    // The reference still cascades: the rebuilt table is the one `sessions` points at.
    await db.deleteFrom('users').where('id', '=', id).execute();
    expect(await db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    sqlite.close();
  });

  it('queues an email once per dedupe key', async () => {
    const { db, sqlite } = createDb(path.join(tempDir(), 'outbox.sqlite'));
    await migrateToLatest(db);
    const msg = {
      to: 'a@example.ua',
      userId: null,
      kind: 'test',
      locale: 'uk' as const,
      subject: 'S',
      text: 'T',
      dedupeKey: 'k1',
    };
    expect(await enqueueEmail(db, msg, NOW)).toBe(true);
    expect(await enqueueEmail(db, msg, NOW)).toBe(false);
    const rows = await db.selectFrom('email_outbox').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ send_after: NOW.toISOString(), attempts: 0, sent_at: null });
    sqlite.close();
  });
});
