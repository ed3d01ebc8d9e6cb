/**
 * The in-process session cache never outlives what the database allows: every way a session or its
 * user changes through the API refuses (or updates) the old cookie on the very next request, through
 * the real app, on SQLite (api's cache: db/sqlite/session-cache.ts) and on PostgreSQL
 * (db/postgres/session-cache.ts). Engine-specific ways in (another connection, another process, a
 * lost listener) are in session-cache-sqlite.test.ts and tests/db/pg-session-cache.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { SESSION_TTL, STAFF_IDLE, STAFF_RENEW_BEFORE } from '../../api/auth/session.ts';
import { signedInAndCached } from '../helpers/session-cache.ts';
import { makeTestApp, sessionCookie, TEST_PASSWORD } from '../helpers/app.ts';

describe('session cache invalidation', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const admin = await t.userWithSession('admin');
  const cached = (role: 'cadet' | 'instructor' = 'cadet') => signedInAndCached(t, t, role);
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
