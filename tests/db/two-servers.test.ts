/**
 * Several real server processes on one PostgreSQL database (issue #21): what `npm start` runs,
 * started twice at the same moment on an empty database (both migrate and seed; neither may fail),
 * then used as one service behind a load balancer: a session opened on one is honoured and ended on
 * the other, progress written through one is read through the other. And `WORKERS=2` (api/cluster.ts)
 * with the real app: a crashed worker is replaced while the other keeps serving.
 * (tests/api/instances.test.ts shows the same rules with two apps in one process, on both engines.)
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { adminQuery, scratchDatabase } from '../helpers/pg-admin.ts';
import { startServer } from '../helpers/server.ts';

const newKey = () => crypto.randomBytes(32).toString('base64');
const cadet = DEMO_ACCOUNTS.find((a) => a.email === 'cadet@oberih.demo')!;

async function signIn(base: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email: cadet.email, password: cadet.password }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
  expect(cookie).not.toBe('');
  return cookie;
}

/** The process ids of a process's children (the cluster's workers). */
function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

const me = (base: string, cookie: string) =>
  fetch(`${base}/api/me`, { headers: { cookie, connection: 'close' } }).then((r) => r.status);

describe('several server processes on one PostgreSQL database', () => {
  it('two servers started at once on an empty database both come up, seed once, and serve as one', async () => {
    const { name, url } = await scratchDatabase('twoservers');
    // Servers on several hosts share the keys kept outside the database (docs/operations.md).
    const keys = { CONSULTATION_KEY: newKey(), LTI_KEY_ENCRYPTION_KEY: newKey() };
    const [a, b] = await Promise.all([
      startServer({ DATABASE_URL: url, ...keys }),
      startServer({ DATABASE_URL: url, ...keys }),
    ]);
    // One demo, not two (and no unique-key failure in the second seeder).
    const users = await adminQuery(`select count(*)::int as n from users where email = '${cadet.email}'`, name);
    expect(users.rows[0].n).toBe(1);
    expect([a.output(), b.output()].filter((o) => o.includes('demo data created'))).toHaveLength(1);

    // A session opened on A is honoured by B; ended on B, it is refused by A at once.
    const cookie = await signIn(a.url);
    expect(await me(b.url, cookie)).toBe(200);
    const progress = await fetch(`${b.url}/api/me/progress`, { headers: { cookie } });
    expect(progress.status).toBe(200);
    const fromB = await progress.json();
    const fromA = await (await fetch(`${a.url}/api/me/progress`, { headers: { cookie } })).json();
    expect(fromA).toEqual(fromB);
    const out = await fetch(`${b.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, origin: b.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(out.status).toBe(200);
    expect(await me(a.url, cookie)).toBe(401);
    // A third host with its own consultation key would write texts the others cannot read: refused.
    await expect(startServer({ DATABASE_URL: url, ...keys, CONSULTATION_KEY: newKey() })).rejects.toThrow(
      /server exited with 2:[\s\S]*CONSULTATION_KEY on this server is not the key this database/,
    );
    await Promise.all([a.stop(), b.stop()]);
  }, 240_000);

  it('WORKERS=2 runs the real app in two processes that share sessions, and replaces a crashed one', async () => {
    const { url } = await scratchDatabase('workers');
    const server = await startServer({ DATABASE_URL: url, WORKERS: '2' });
    const cookie = await signIn(server.url);
    // New connections are spread over both workers: every one knows the session.
    const statuses = await Promise.all(Array.from({ length: 12 }, () => me(server.url, cookie)));
    expect(new Set(statuses)).toEqual(new Set([200]));
    // Kill one worker: the primary forks a new one, and the service keeps answering meanwhile.
    const workers = children(server.proc.pid!);
    expect(workers).toHaveLength(2);
    process.kill(workers[0]!, 'SIGKILL');
    // The survivor keeps serving (a connection handed to the dead worker before the primary noticed
    // is reset, as a load balancer would see: retried here).
    await expect.poll(() => me(server.url, cookie).catch(() => 0), { timeout: 5_000 }).toBe(200);
    await expect
      .poll(() => children(server.proc.pid!).filter((p) => p !== workers[0]).length, { timeout: 60_000 })
      .toBe(2);
    const after = await Promise.all(Array.from({ length: 12 }, () => me(server.url, cookie)));
    expect(new Set(after)).toEqual(new Set([200]));
    await server.stop();
  }, 240_000);
});
