/**
 * Hostile input against every API route's validator (property-based, fast-check): random and boundary
 * JSON, deep nesting, unicode edge cases, SQL-looking strings, random path and query values — sent by
 * a signed-in admin (who passes every role check, so the validators themselves are exercised). Every
 * answer is 2xx or 4xx, never 5xx, and another user's data never changes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';

const SQLISH = [
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  "1; UPDATE users SET role='admin'",
  "admin'--",
  '%',
  '_',
  '\\',
  '\u0000',
  "Robert'); DELETE FROM progress_events;--",
];
const UNICODE = [
  '\u202E',
  '\uFEFF',
  '\uD800',
  'é',
  'e\u0301',
  '𝕏',
  '👩‍👩‍👧',
  'Ї',
  '\u0000\u0001',
  'ʼ',
  ' '.repeat(300),
  'я'.repeat(5000),
];

/** Strings an attacker would try, mixed with arbitrary ones. */
const hostileString = fc.oneof(
  fc.constantFrom(...SQLISH, ...UNICODE),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.string({ maxLength: 300 }),
);
const leaf = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(-0),
  fc.constant(1e308),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 6 }),
  object: fc.dictionary(
    fc.oneof(
      hostileString,
      fc.constantFrom(
        'email',
        'password',
        'events',
        'responses',
        'role',
        'id',
        'course',
        'module',
        'csv',
        'confirm',
        'reason',
        'full_name',
        'locale',
        '__proto__',
        'constructor',
      ),
    ),
    tie('value'),
    { maxKeys: 6 },
  ),
})).value;

/** Percent-encode like an attacker's client would, including invalid UTF-16 (lone surrogates). */
function encodePath(s: string) {
  try {
    return encodeURIComponent(s);
  } catch {
    return '%ED%A0%80' + encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''));
  }
}

function nested(depth: number): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('hostile input on every route', async () => {
  const t = await makeTestApp();
  const admin = await t.userWithSession('admin');
  const victim = await t.userWithSession('cadet');
  await t.request('/api/progress/events', {
    cookie: victim.cookie,
    json: {
      events: [
        {
          id: 'victim-event-1',
          course: 'fixture-course',
          module: 'words',
          kind: 'viewed',
          at: new Date(Date.now() - 1000).toISOString(),
        },
      ],
    },
  });
  const snapshot = async () =>
    JSON.stringify([
      await t.deps.db.selectFrom('users').selectAll().where('id', '=', victim.user.id).execute(),
      await t.deps.db.selectFrom('progress_events').selectAll().where('user_id', '=', victim.user.id).execute(),
      await t.deps.db.selectFrom('sessions').select(['id', 'user_id']).where('user_id', '=', victim.user.id).execute(),
    ]);
  const before = await snapshot();
  // Logout and password change would end the admin's own session; test them last, separately.
  const routes = t.app.docs.filter((r) => !['/api/auth/logout', '/api/me/password'].includes(r.path));
  let generated = 0;

  for (const r of routes) {
    it(`${r.method.toUpperCase()} ${r.path}: never a 5xx`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(hostileString, fc.integer().map(String), fc.constant('1')), { minLength: 4, maxLength: 4 }),
          fc.dictionary(
            hostileString.filter((s) => s.length > 0 && s.length < 40),
            hostileString,
            { maxKeys: 3 },
          ),
          json,
          async (params, query, body) => {
            generated++;
            let i = 0;
            const path = r.path.replace(
              /:([A-Za-z_]+)(\{[^}]*\})?/g,
              () => encodePath(params[i++ % params.length]!) || 'x',
            );
            const qs = new URLSearchParams(query as Record<string, string>).toString();
            const res = await t.request(`${path}${qs ? `?${qs}` : ''}`, {
              method: r.method.toUpperCase(),
              cookie: admin.cookie,
              ...(r.method === 'get' ? {} : { json: body }),
            });
            // On a failure, say what was sent and what came back (fast-check's shrinking may not reach it).
            if (res.status >= 500)
              expect.fail(
                `${r.method} ${path}${qs ? `?${qs}` : ''} → ${res.status} ${await res.text()}; body ${JSON.stringify(body)?.slice(0, 500)}`,
              );
          },
        ),
        { numRuns: Number(process.env.HOSTILE_RUNS ?? 40) },
      );
    });
  }

  it('huge bodies, deep nesting, malformed and non-JSON bodies get 4xx', async () => {
    const statuses = [
      (
        await t.request('/api/progress/events', {
          cookie: admin.cookie,
          body: JSON.stringify({ events: 'x'.repeat(3 * 1024 * 1024) }),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      (
        await t.request('/api/progress/events', {
          cookie: admin.cookie,
          body: '{"events":' + '[{"a":'.repeat(100_000) + '1' + '}]'.repeat(100_000) + '}',
          headers: { 'content-type': 'application/json' },
        })
      ).status,
      (await t.request('/api/progress/events', { cookie: admin.cookie, json: nested(2_000) })).status,
      (await t.request('/api/auth/login', { body: '{"email":', headers: { 'content-type': 'application/json' } }))
        .status,
      (await t.request('/api/auth/login', { body: '\u0000\u0001', headers: { 'content-type': 'text/plain' } })).status,
      (await t.request('/api/auth/login', { body: 'null', headers: { 'content-type': 'application/json' } })).status,
    ];
    generated += statuses.length;
    for (const s of statuses) expect(s).toBeGreaterThanOrEqual(400);
    for (const s of statuses) expect(s).toBeLessThan(500);
  });

  it("left every other user's data unchanged", async () => {
    expect(await snapshot()).toBe(before);
    console.log(`hostile input: ${generated} generated requests over ${routes.length} routes, no 5xx`);
    expect(generated).toBeGreaterThan(routes.length * 10);
  });
});
