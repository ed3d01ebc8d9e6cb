import { describe, expect, it } from 'vitest';
import { hashToken, SESSION_TTL } from '../../api/auth/session.ts';
import { makeTestApp, sessionCookie, TEST_PASSWORD } from '../helpers/app.ts';
import { flushWrites } from '../helpers/engine.ts';

describe('login, sessions and logout', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });

  it('logs in with the right password, sets an HttpOnly SameSite cookie, and stores only the token hash', async () => {
    const user = await t.createUser('cadet');
    const res = await t.request('/api/auth/login', {
      json: { email: user.email.toUpperCase(), password: TEST_PASSWORD },
    });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().find((c) => c.startsWith('oberih_session='))!;
    expect(set).toMatch(/HttpOnly/);
    expect(set).toMatch(/SameSite=Lax/);
    expect(set).not.toMatch(/Secure/); // plain http in tests; HTTPS below
    const token = set.split(';')[0]!.split('=')[1]!;
    expect(token.length).toBeGreaterThanOrEqual(26); // 20 bytes base32 = 160 bits
    const rows = await t.deps.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    expect(rows.map((r) => r.id)).toEqual([hashToken(token)]);
    expect(rows[0]!.id).not.toContain(token);
    const me = await t.request('/api/me', { cookie: `oberih_session=${token}` });
    expect((await me.json()).user.email).toBe(user.email);
  });

  it('marks the cookie Secure over HTTPS', async () => {
    const user = await t.createUser('cadet');
    const res = await t.app.request('https://oberih.test/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://oberih.test' },
      body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().join()).toMatch(/Secure/);
  });

  it('rejects a wrong password and an unknown email with the same answer', async () => {
    const user = await t.createUser('cadet');
    const a = await t.request('/api/auth/login', { json: { email: user.email, password: 'wrong password!' } });
    const b = await t.request('/api/auth/login', { json: { email: 'nobody@nowhere.ua', password: 'wrong password!' } });
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect(await a.json()).toEqual(await b.json());
    flushWrites(t.deps.storage); // failed sign-ins are audited through the group commit
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['event', 'details'])
      .where('event', '=', 'login.failed')
      .execute();
    expect(audit.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(audit)).not.toContain('wrong password');
  });

  it('issues a new token at every login (no session fixation)', async () => {
    const user = await t.createUser('cadet');
    const first = await t.login(user.email);
    const res = await t.request('/api/auth/login', {
      json: { email: user.email, password: TEST_PASSWORD },
      cookie: first,
    });
    const second = sessionCookie(res);
    expect(second).not.toBe(first);
    expect((await t.request('/api/me', { cookie: first })).status).toBe(401);
    expect((await t.request('/api/me', { cookie: second })).status).toBe(200);
  });

  it('logout deletes the session on the server', async () => {
    const { cookie } = await t.userWithSession('officer');
    const res = await t.request('/api/auth/logout', { method: 'POST', cookie });
    expect(res.status).toBe(200);
    expect((await t.request('/api/me', { cookie })).status).toBe(401);
  });

  it('ends a learner session 30 days after sign-in, however often it is used (absolute lifetime)', async () => {
    const user = await t.createUser('cadet');
    const cookie = await t.login(user.email);
    const id = hashToken(cookie.split('=')[1]!);
    const expiry = async () =>
      (await t.deps.db.selectFrom('sessions').select('expires_at').where('id', '=', id).executeTakeFirst())?.expires_at;
    const start = now.getTime();
    expect(Date.parse((await expiry())!)).toBe(start + SESSION_TTL);
    // Used every few days: never renewed past 30 days from sign-in.
    for (let day = 3; day < 30; day += 3) {
      now = new Date(start + day * 86400000);
      const res = await t.request('/api/me', { cookie });
      expect(res.status).toBe(200);
      expect(res.headers.getSetCookie()).toEqual([]);
    }
    expect(Date.parse((await expiry())!)).toBe(start + SESSION_TTL);
    now = new Date(start + SESSION_TTL + 1000);
    expect((await t.request('/api/me', { cookie })).status).toBe(401);
    expect(await expiry()).toBeUndefined();
    now = new Date('2026-11-29T10:00:00Z');
  });

  it('ends an instructor or admin session after 12 h without use, slides it while used, and ends it at 30 days', async () => {
    const base = now.getTime();
    for (const role of ['instructor', 'admin'] as const) {
      now = new Date(base);
      const user = await t.createUser(role);
      const cookie = await t.login(user.email);
      // Used every 2 hours for a working day: still signed in, the expiry following the use.
      for (let h = 2; h <= 10; h += 2) {
        now = new Date(base + h * 3600_000);
        expect((await t.request('/api/me', { cookie })).status, `${role} at ${h} h`).toBe(200);
      }
      // Then 12 hours away: signed out.
      now = new Date(base + (10 + 12) * 3600_000 + 1000);
      expect((await t.request('/api/me', { cookie })).status, `${role} after 12 h idle`).toBe(401);
      // A session used every 10 hours still ends 30 days after sign-in.
      now = new Date(base);
      const busy = await t.login(user.email);
      let h = 0;
      while (h + 10 < 30 * 24) {
        h += 10;
        now = new Date(base + h * 3600_000);
        expect((await t.request('/api/me', { cookie: busy })).status, `${role} busy at ${h} h`).toBe(200);
      }
      now = new Date(base + SESSION_TTL + 1000);
      expect((await t.request('/api/me', { cookie: busy })).status).toBe(401);
    }
    now = new Date('2026-11-29T10:00:00Z');
  });

  it('a deactivated account gets 401, not 500', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    await t.deps.db.updateTable('users').set({ active: 0 }).where('id', '=', user.id).execute();
    const res = await t.request('/api/me', { cookie });
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthenticated');
    expect((await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })).status).toBe(
      401,
    );
  });

  it('a password change signs out every session, gives the current one a new token and expires reset links', async () => {
    const user = await t.createUser('cadet');
    const old = await t.login(user.email);
    const phone = await t.login(user.email);
    await t.deps.db
      .insertInto('password_resets')
      .values({
        token_hash: hashToken('leakedsetuplink234567'),
        user_id: user.id,
        expires_at: '2099-01-01T00:00:00.000Z',
        used_at: null,
      })
      .execute();
    const res = await t.request('/api/me/password', {
      json: { current_password: TEST_PASSWORD, new_password: 'a much better passphrase' },
      cookie: old,
    });
    expect(res.status).toBe(200);
    const laptop = sessionCookie(res);
    expect(laptop).not.toBe(old);
    expect((await t.request('/api/me', { cookie: laptop })).status).toBe(200);
    expect((await t.request('/api/me', { cookie: old })).status).toBe(401);
    expect((await t.request('/api/me', { cookie: phone })).status).toBe(401);
    const reset = await t.request('/api/auth/reset', {
      json: { token: 'leakedsetuplink234567', new_password: 'the attacker chose this' },
    });
    expect(reset.status).toBe(400);
    expect((await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })).status).toBe(
      401,
    );
    expect(
      (await t.request('/api/auth/login', { json: { email: user.email, password: 'a much better passphrase' } }))
        .status,
    ).toBe(200);
    const wrong = await t.request('/api/me/password', {
      json: { current_password: 'nope', new_password: 'another passphrase!' },
      cookie: laptop,
    });
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).error.fields).toHaveProperty('current_password');
  });
});

describe('login rate limiting', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now, config: { trustProxy: true } });

  it('slows an account down after 5 failures, then lets the right password in once the window passes', async () => {
    const user = await t.createUser('cadet');
    for (let i = 0; i < 5; i++)
      expect((await t.request('/api/auth/login', { json: { email: user.email, password: `bad-${i}` } })).status).toBe(
        401,
      );
    const limited = await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe('rate_limited');
    // No permanent lockout: after the window the owner gets in, and success resets the counter.
    now = new Date(now.getTime() + 15 * 60 * 1000 + 1000);
    expect((await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })).status).toBe(
      200,
    );
  });

  it('without TRUST_PROXY a client cannot dodge the per-address limit by writing X-Forwarded-For itself', async () => {
    const direct = await makeTestApp({ now: () => now });
    // The socket's address (here "unknown": app.request has no socket) is one failure short of its limit.
    for (let i = 0; i < 99; i++) direct.deps.limits.login.address.hit('unknown');
    let last = 0;
    for (let i = 0; i < 2; i++)
      last = (
        await direct.request('/api/auth/login', {
          json: { email: `dodge${i}@x.ua`, password: 'guess' },
          headers: { 'x-forwarded-for': `198.51.100.${i}` },
        })
      ).status;
    expect(last).toBe(429);
  });

  it('limits one IP trying many accounts', async () => {
    const headers = { 'x-forwarded-for': '203.0.113.9' };
    // 99 failures already counted (tests/api/auth/login-throttle.test.ts sends all 100 for real).
    for (let i = 0; i < 99; i++) t.deps.limits.login.address.hit('203.0.113.9');
    let last = 0;
    for (let i = 0; i < 2; i++)
      last = (await t.request('/api/auth/login', { json: { email: `spray${i}@x.ua`, password: 'guess' }, headers }))
        .status;
    expect(last).toBe(429);
    // Another address is not affected.
    const other = await t.request('/api/auth/login', {
      json: { email: 'spray0@x.ua', password: 'guess' },
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(other.status).toBe(401);
  });
});

describe('bad input gets a clear 4xx naming the field', async () => {
  const t = await makeTestApp();
  const { cookie } = await t.userWithSession('admin');

  it('unknown fields', async () => {
    const res = await t.request('/api/auth/login', { json: { email: 'a@b.ua', password: 'x', admin: true } });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields).toEqual({ admin: 'unknown field' });
  });
  it('a field called __proto__ (or constructor) is named like any other unknown field, not a 500', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const res = await t.request('/api/auth/login', {
        body: `{"email":"a@b.ua","password":"x","${key}":{"role":"admin"}}`,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status, key).toBe(400);
      const body = await res.json();
      expect(Object.keys(body.error.fields), key).toEqual([key]);
      expect(body.error.message).toContain(key);
    }
  });
  it('wrong types', async () => {
    const res = await t.request('/api/auth/login', { json: { email: 42, password: ['x'] } });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(Object.keys(error.fields).sort()).toEqual(['email', 'password']);
  });
  it('over-long names and passwords', async () => {
    const res = await t.request('/api/admin/users', {
      cookie,
      json: { email: 'long@test.ua', full_name: 'Я'.repeat(201), role: 'cadet', password: 'p'.repeat(257) },
    });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.fields.full_name).toMatch(/200/);
    expect(error.fields.password).toMatch(/256/);
  });
  it('malformed JSON', async () => {
    const res = await t.request('/api/auth/login', {
      body: '{"email": "a@b.ua",',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe('malformed_json');
  });
  it('a wrong content type', async () => {
    const res = await t.request('/api/auth/login', {
      body: 'email=a@b.ua&password=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect((await res.json()).error.message).toMatch(/application\/json/);
  });
  it('a body over the size limit', async () => {
    const res = await t.request('/api/auth/login', {
      body: JSON.stringify({ email: 'a@b.ua', password: 'x'.repeat(2 * 1024 * 1024) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(413);
  });
  it('a bad query parameter', async () => {
    const res = await t.request('/api/admin/users?limit=100000', { cookie });
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields).toHaveProperty('limit');
  });
  it('an unknown API route is a JSON 404', async () => {
    const res = await t.request('/api/nothing-here');
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});

describe('CSRF and headers', async () => {
  const t = await makeTestApp();

  it('refuses a cookie-authenticated state change from a foreign origin', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const res = await t.request('/api/auth/logout', { method: 'POST', cookie, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe('csrf_rejected');
    expect((await t.request('/api/me', { cookie })).status).toBe(200);
  });
  it('refuses a cookie-authenticated state change with no Origin and no Sec-Fetch-Site', async () => {
    const { cookie } = await t.userWithSession('cadet');
    expect((await t.request('/api/auth/logout', { method: 'POST', cookie, origin: null })).status).toBe(403);
    expect(
      (
        await t.request('/api/auth/logout', {
          method: 'POST',
          cookie,
          origin: null,
          headers: { 'sec-fetch-site': 'same-origin' },
        })
      ).status,
    ).toBe(200);
  });
  it('does not change state on GET', async () => {
    const { cookie } = await t.userWithSession('cadet');
    expect((await t.request('/api/auth/logout', { method: 'GET', cookie })).status).toBe(404);
    expect((await t.request('/api/me', { cookie })).status).toBe(200);
  });
  it('sends a CSP, nosniff, a referrer policy and no-store on API answers', async () => {
    const res = await t.request('/api/health');
    expect(res.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('content-security-policy')).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
