/**
 * Login throttling under concurrency and behind a shared address (issue #19 item 1; ASVS 5.0 6.3.1).
 * Argon2 checks are counted by wrapping `verifyPassword`: the limit must hold for requests in flight
 * together, not only for requests that arrive one after another.
 */
import { describe, expect, it, vi } from 'vitest';
import { makeTestApp, TEST_PASSWORD } from '../../helpers/app.ts';

const counter = vi.hoisted(() => ({ verify: 0 }));
vi.mock('../../../api/auth/password.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../api/auth/password.ts')>();
  return {
    ...real,
    verifyPassword: (hash: string, password: string) => {
      counter.verify++;
      return real.verifyPassword(hash, password);
    },
  };
});

const login = (t: Awaited<ReturnType<typeof makeTestApp>>, email: string, password: string, ip: string) =>
  t.request('/api/auth/login', { json: { email, password }, headers: { 'x-forwarded-for': ip } });

describe('login throttling', async () => {
  let now = new Date('2026-12-04T10:00:00Z');
  const t = await makeTestApp({ now: () => now, config: { trustProxy: true } });

  it('bursts of 500 parallel guesses at one account get at most 5 through to Argon2', async () => {
    const victim = await t.createUser('admin');
    counter.verify = 0;
    const statuses: number[] = [];
    // Several bursts: the concurrent-check cap refuses most of one burst, the pair limit ends the series.
    for (let burst = 0; burst < 4; burst++)
      statuses.push(
        ...(await Promise.all(
          Array.from({ length: 500 }, (_, i) => login(t, victim.email, `guess-${burst}-${i}`, '203.0.113.50')),
        ).then((rs) => rs.map((r) => r.status))),
      );
    expect(counter.verify).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401).length).toBe(counter.verify);
    expect(statuses.filter((s) => s === 429).length).toBe(2000 - counter.verify);
    // Still limited afterwards from that address, the right password included.
    expect((await login(t, victim.email, TEST_PASSWORD, '203.0.113.50')).status).toBe(429);
  }, 60_000);

  it('a burst from many addresses at one account gets at most 10 through (the per-account limit)', async () => {
    const victim = await t.createUser('instructor');
    counter.verify = 0;
    await Promise.all(
      Array.from({ length: 300 }, (_, i) => login(t, victim.email, `guess-${i}`, `198.51.100.${i % 250}`)),
    );
    expect(counter.verify).toBeLessThanOrEqual(10);
  });

  it('a classroom behind one NAT address keeps signing in while one person hammers their own account', async () => {
    const nat = '192.0.2.77';
    const noisy = await t.createUser('cadet');
    // One person: 100 wrong guesses at one account: the pair limit stops them after 5 (5 towards the address).
    for (let i = 0; i < 100; i++) await login(t, noisy.email, `wrong-${i}`, nat);
    // Forty classmates, each mistyping once first (45 failures from the address in all: today the
    // 31st failure from one address locks every account behind it out for 15 minutes).
    for (let i = 0; i < 40; i++) {
      const mate = await t.createUser('cadet');
      expect((await login(t, mate.email, 'a typo here', nat)).status).toBe(401);
      expect((await login(t, mate.email, TEST_PASSWORD, nat)).status, `classmate ${i}`).toBe(200);
    }
  }, 120_000);

  it('credential stuffing from one address is stopped after 100 failures at different accounts', async () => {
    const ip = '203.0.113.99';
    const statuses: number[] = [];
    for (let i = 0; i < 105; i++) statuses.push((await login(t, `stuffed${i}@x.ua`, 'Summer2026!', ip)).status);
    expect(statuses.slice(0, 100).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(100).every((s) => s === 429)).toBe(true);
  }, 120_000);

  it('a correct password for an account that is not locked passes, and gives its slot back', async () => {
    const user = await t.createUser('officer');
    const ip = '192.0.2.200';
    for (let i = 0; i < 4; i++) expect((await login(t, user.email, `nope-${i}`, ip)).status).toBe(401);
    expect((await login(t, user.email, TEST_PASSWORD, ip)).status).toBe(200);
    // Success started the pair afresh: five more mistakes before the limit, not one.
    for (let i = 0; i < 5; i++) expect((await login(t, user.email, `nope-again-${i}`, ip)).status).toBe(401);
    expect((await login(t, user.email, TEST_PASSWORD, ip)).status).toBe(429);
    now = new Date(now.getTime() + 31 * 60 * 1000);
    expect((await login(t, user.email, TEST_PASSWORD, ip)).status).toBe(200);
  });

  it('a failed-login flood writes at most one audit row per account and address per window', async () => {
    const user = await t.createUser('cadet');
    const before = await t.deps.db.selectFrom('audit_log').select('id').where('target', '=', user.email).execute();
    await Promise.all(Array.from({ length: 50 }, (_, i) => login(t, user.email, `x-${i}`, '203.0.113.150')));
    await new Promise((r) => setTimeout(r, 20));
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['event'])
      .where('target', '=', user.email)
      .where('ip', '=', '203.0.113.150')
      .execute();
    expect(before).toEqual([]);
    expect(rows.map((r) => r.event).sort()).toEqual(['login.failed', 'login.limited']);
  });
});
