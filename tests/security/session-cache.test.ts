/**
 * The in-process session cache (api/auth/session-cache.ts) never outlives what the database allows:
 * every way a session or its user changes refuses (or updates) the old cookie on the very next
 * request, through the real app and the real SQLite file, whether the change comes from an API
 * route, a direct query on the same connection, or another connection.
 */
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SESSION_TTL, STAFF_IDLE, STAFF_RENEW_BEFORE } from '../../api/auth/session.ts';
import { SessionCache } from '../../db/sqlite/session-cache.ts';
import { createDb } from '../../db/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { makeTestApp, sessionCookie, tempDir, TEST_PASSWORD } from '../helpers/app.ts';
import { sqliteOf } from '../helpers/engine.ts';
import path from 'node:path';

describe('session cache invalidation', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const cache = t.deps.sessionCache!;
  const admin = await t.userWithSession('admin');
  /** Signed in and already served once from the cache. */
  const cached = async (role: 'cadet' | 'instructor' = 'cadet') => {
    const s = await t.userWithSession(role);
    expect((await t.request('/api/me', { cookie: s.cookie })).status).toBe(200);
    const hits = cache.stats.hits;
    expect((await t.request('/api/me', { cookie: s.cookie })).status).toBe(200);
    expect(cache.stats.hits).toBe(hits + 1);
    return s;
  };
  const me = (cookie: string) => t.request('/api/me', { cookie });

  it('answers a signed-in request from memory after the first one', async () => {
    const { user, cookie } = await cached();
    const res = await me(cookie);
    expect((await res.json()).user).toMatchObject({ id: user.id, email: user.email, role: 'cadet' });
  });

  it('logout refuses the old cookie at once', async () => {
    const { cookie } = await cached();
    expect((await t.request('/api/auth/logout', { cookie, json: {} })).status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
    expect(
      (
        await t.request('/api/progress/events', {
          cookie,
          json: {
            events: [
              {
                id: 'after-logout-1',
                course: 'fixture-course',
                module: 'words',
                kind: 'viewed',
                at: now.toISOString(),
              },
            ],
          },
        })
      ).status,
    ).toBe(401);
  });

  it('a password change refuses every other session at once (and the current one continues with a new token)', async () => {
    const { user, cookie: laptop } = await cached();
    const phone = await t.login(user.email);
    expect((await me(phone)).status).toBe(200);
    expect((await me(phone)).status).toBe(200);
    const changed = await t.request('/api/me/password', {
      cookie: laptop,
      json: { current_password: TEST_PASSWORD, new_password: 'another long passphrase' },
    });
    expect(changed.status).toBe(200);
    expect((await me(phone)).status).toBe(401);
    expect((await me(laptop)).status).toBe(401);
    expect((await me(sessionCookie(changed))).status).toBe(200);
  });

  it('a password reset through a reset link refuses every session at once', async () => {
    const { user, cookie } = await cached();
    const link = await (
      await t.request(`/api/admin/users/${user.id}/reset-link`, { cookie: admin.cookie, json: {} })
    ).json();
    const token = new URL(link.url).hash.replace('#token=', '');
    expect(
      (await t.request('/api/auth/reset', { json: { token, new_password: 'reset long passphrase' } })).status,
    ).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

  it('a role change applies to the next request: a demoted instructor loses instructor routes at once', async () => {
    const { user, cookie } = await cached('instructor');
    expect((await t.request('/api/cohorts', { cookie })).status).toBe(200);
    expect(
      (
        await t.request(`/api/admin/users/${user.id}`, {
          method: 'PATCH',
          cookie: admin.cookie,
          json: { role: 'cadet' },
        })
      ).status,
    ).toBe(200);
    expect((await t.request('/api/cohorts', { cookie })).status).toBe(403);
    expect((await (await me(cookie)).json()).user.role).toBe('cadet');
  });

  it('deactivation by an admin refuses the cookie at once', async () => {
    const { user, cookie } = await cached();
    expect(
      (
        await t.request(`/api/admin/users/${user.id}`, {
          method: 'PATCH',
          cookie: admin.cookie,
          json: { active: false },
        })
      ).status,
    ).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

  it('erasure refuses the cookie at once', async () => {
    const { user, cookie } = await cached();
    expect(
      (
        await t.request(`/api/admin/users/${user.id}/erase`, {
          cookie: admin.cookie,
          json: { confirm_email: user.email },
        })
      ).status,
    ).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

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

  it('respects expiry and still slides a staff session forward (the renewal goes to the database)', async () => {
    const { cookie } = await cached('instructor');
    const start = now;
    // Close to the idle end: the cached entry is not used; the session is renewed with a new cookie.
    now = new Date(start.getTime() + STAFF_IDLE - STAFF_RENEW_BEFORE + 3600_000);
    const renewed = await me(cookie);
    expect(renewed.status).toBe(200);
    expect(renewed.headers.getSetCookie().join()).toMatch(/oberih_session=/);
    // Past the renewed expiry: refused, even though it had been cached since.
    expect((await me(cookie)).status).toBe(200);
    now = new Date(now.getTime() + SESSION_TTL + 1000);
    expect((await me(cookie)).status).toBe(401);
    now = start;
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
