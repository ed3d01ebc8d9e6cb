/** The demo seed (issue #19 item 8): one transaction, only into an empty database, never in production. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { DEMO_ACCOUNTS, demoSeedRefusal, seedDemo } from '../../db/seed.ts';
import { tempDir } from '../helpers/app.ts';

const courses = [{ id: 'initial-online-abuse', modules: ['m1', 'm2', 'm3'] }];
const fakeHash = async (p: string) => `not-a-real-hash:${p.length}`;

describe('demo seed', () => {
  const dir = tempDir('oberih-seed-');
  const open = async (name: string) => {
    const { db } = createDb(path.join(dir, name));
    await migrateToLatest(db);
    return db;
  };
  const users = async (db: Awaited<ReturnType<typeof open>>) =>
    (await db.selectFrom('users').select('email').execute()).map((u) => u.email);

  it('runs in one transaction: a failure part-way leaves no demo row behind', async () => {
    const db = await open('fail.sqlite');
    await expect(
      seedDemo(db, {
        hash: fakeHash,
        courses,
        base: new Date('2026-12-01T00:00:00Z'),
        afterProgress: async () => {
          throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    expect(await users(db)).toEqual([]);
    await db.destroy();
  });

  it('never re-creates an erased or renamed demo admin, nor seeds a database that has any user', async () => {
    const db = await open('erased.sqlite');
    expect((await seedDemo(db, { hash: fakeHash, courses, base: new Date() })).created).toBe(true);
    const admin = DEMO_ACCOUNTS[0]!.email;
    // Erasure and renaming both change the stored email.
    await db.updateTable('users').set({ email: 'erased-1@erased.invalid' }).where('email', '=', admin).execute();
    expect((await seedDemo(db, { hash: fakeHash, courses, base: new Date() })).created).toBe(false);
    expect(await users(db)).not.toContain(admin);
    await db.destroy();

    const real = await open('real.sqlite');
    await real
      .insertInto('users')
      .values({
        email: 'boss@police.test',
        full_name: 'Бос',
        role: 'admin',
        password_hash: 'x',
        locale: 'uk',
        created_at: '2026-01-01T00:00:00Z',
      })
      .execute();
    expect((await seedDemo(real, { hash: fakeHash, courses, base: new Date() })).created).toBe(false);
    expect(await users(real)).toEqual(['boss@police.test']);
    await real.destroy();
  });

  it('is refused with NODE_ENV=production or SEED_DEMO=0, allowed otherwise', () => {
    expect(demoSeedRefusal({ NODE_ENV: 'production' })).toMatch(/production/);
    expect(demoSeedRefusal({ NODE_ENV: 'development', SEED_DEMO: '0' })).toMatch(/SEED_DEMO=0/);
    expect(demoSeedRefusal({ NODE_ENV: 'development', SEED_DEMO: '1' })).toBeNull();
  });
});
