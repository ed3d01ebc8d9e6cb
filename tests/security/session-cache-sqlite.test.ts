/**
 * The SQLite session cache's own mechanism (db/sqlite/session-cache.ts): TEMP triggers on its
 * connection see direct changes, `data_version` sees another connection's (another process's) commits,
 * and the cache itself is bounded and never caches inside an open transaction.
 */
import SQLite from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SESSION_TTL } from '../../api/auth/session.ts';
import { SessionCache } from '../../db/sqlite/session-cache.ts';
import { createDb } from '../../db/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { signedInAndCached } from '../helpers/session-cache.ts';
import { makeTestApp, tempDir } from '../helpers/app.ts';
import { sqliteOf } from '../helpers/engine.ts';

describe('session cache invalidation on SQLite', async () => {
  const now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const cached = (role: 'cadet' | 'instructor' = 'cadet') => signedInAndCached(t, t, role);
  const me = (cookie: string) => t.request('/api/me', { cookie });

  it('direct changes on the same connection count too: deactivation, a new name, a deleted session', async () => {
    const a = await cached();
    await t.deps.db.updateTable('users').set({ active: 0 }).where('id', '=', a.user.id).execute();
    expect((await me(a.cookie)).status).toBe(401);
    const b = await cached();
    sqliteOf(t.deps.storage).sqlite.prepare('update users set full_name = ? where id = ?').run('Нове Ім’я', b.user.id);
    expect((await (await me(b.cookie)).json()).user.full_name).toBe('Нове Ім’я');
    const c = await cached();
    await t.deps.db.deleteFrom('sessions').where('user_id', '=', c.user.id).execute();
    expect((await me(c.cookie)).status).toBe(401);
  });

  it('a change committed by another connection (another process) is seen at once', async () => {
    const { user, cookie } = await cached();
    const other = new SQLite(t.dbFile);
    try {
      other.prepare('update users set role = ? where id = ?').run('officer', user.id);
    } finally {
      other.close();
    }
    expect((await (await me(cookie)).json()).user.role).toBe('officer');
    const other2 = new SQLite(t.dbFile);
    try {
      other2.prepare('delete from sessions where user_id = ?').run(user.id);
    } finally {
      other2.close();
    }
    expect((await me(cookie)).status).toBe(401);
  });
});

describe('SessionCache', () => {
  const dir = tempDir('oberih-session-cache-');
  const open = async () => {
    const { db, sqlite } = createDb(path.join(dir, `c-${Math.random().toString(36).slice(2)}.sqlite`));
    await migrateToLatest(db);
    return { db, sqlite };
  };
  const user = (id: number) => ({
    id,
    email: `u${id}@test.ua`,
    full_name: 'Тест',
    role: 'cadet' as const,
    locale: 'uk' as const,
    mfa: false,
  });

  it('is bounded: the oldest entries go first', async () => {
    const { sqlite, db } = await open();
    const cache = new SessionCache(db, sqlite, 2);
    cache.set('a', user(1), Date.now() + SESSION_TTL);
    cache.set('b', user(2), Date.now() + SESSION_TTL);
    cache.set('c', user(3), Date.now() + SESSION_TTL);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.user.id).toBe(3);
    await db.destroy();
  });

  it('caches nothing while a transaction is open (it might roll back)', async () => {
    const { sqlite, db } = await open();
    const cache = new SessionCache(db, sqlite);
    sqlite.exec('BEGIN');
    cache.set('a', user(1), Date.now() + SESSION_TTL);
    sqlite.exec('ROLLBACK');
    expect(cache.size).toBe(0);
    cache.set('a', user(1), Date.now() + SESSION_TTL);
    expect(cache.size).toBe(1);
    expect(Object.isFrozen(cache.get('a')!.user)).toBe(true);
    await db.destroy();
  });
});
