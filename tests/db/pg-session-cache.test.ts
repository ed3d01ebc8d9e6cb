/**
 * PostgreSQL's session cache (db/postgres/session-cache.ts) across instances: what makes it safe to
 * keep validated sessions in memory when several API processes share one database.
 * - a change made through instance A has been dropped by instance B before A answers (the fence);
 * - a change made outside the API (psql, the CLI) reaches every instance through the triggers;
 * - an instance that loses its listening connection stops using its cache until it listens again;
 * - a read in flight while a change arrives is not cached;
 * - a peer that stops answering holds a fence up for a bounded time only.
 * (tests/security/session-cache.test.ts runs the API-level rules on both engines.)
 */
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { hashToken } from '../../api/auth/session.ts';
import { createPgPool } from '../../db/postgres/connection.ts';
import { PgSessionCache, SESSION_CACHE_CHANNEL } from '../../db/postgres/session-cache.ts';
import type { SessionWithUser } from '../../db/repos/sessions.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { signedInAndCached } from '../helpers/session-cache.ts';
import { freshPostgresDatabase } from '../helpers/engine.ts';

const pgCache = (t: TestApp) => t.deps.sessionCache as unknown as PgSessionCache;
const tokenOf = (cookie: string) => cookie.split('=')[1]!;

async function psql(url: string, text: string, values: unknown[] = []) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await c.query(text, values);
  } finally {
    await c.end();
  }
}

describe('the PostgreSQL session cache', async () => {
  const url = await freshPostgresDatabase();
  const a = await makeTestApp({ sameDatabaseAs: { dbFile: '', databaseUrl: url } });
  const b = await makeTestApp({ sameDatabaseAs: { dbFile: '', databaseUrl: url } });
  const adminA = await a.userWithSession('admin');
  const me = (t: TestApp, cookie: string) => t.request('/api/me', { cookie });

  /** Signed in through A, and served from B's cache. */
  async function cachedOnB(role: 'cadet' | 'instructor' = 'cadet') {
    const s = await signedInAndCached(a, b, role);
    expect(pgCache(b).get(hashToken(tokenOf(s.cookie)))).toBeDefined();
    return s;
  }

  it('both instances listen (the cache is in use)', async () => {
    await expect.poll(() => pgCache(a).active && pgCache(b).active).toBe(true);
  });

  it("a sign-out through A has left B's cache before A answers", async () => {
    const { cookie } = await cachedOnB();
    const fences = pgCache(a).stats.fences;
    expect((await a.request('/api/auth/logout', { cookie, json: {} })).status).toBe(200);
    expect(pgCache(a).stats.fences).toBe(fences + 1);
    // No waiting: A's answer came after B acknowledged the fence, so B has already dropped it.
    expect(pgCache(b).get(hashToken(tokenOf(cookie)))).toBeUndefined();
    expect((await me(b, cookie)).status).toBe(401);
  });

  it("a role change through A has left B's cache before A answers", async () => {
    const { user, cookie } = await cachedOnB('instructor');
    const res = await a.request(`/api/admin/users/${user.id}`, {
      method: 'PATCH',
      cookie: adminA.cookie,
      json: { role: 'cadet' },
    });
    expect(res.status).toBe(200);
    expect(pgCache(b).get(hashToken(tokenOf(cookie)))).toBeUndefined();
    expect((await b.request('/api/cohorts', { cookie })).status).toBe(403);
  });

  it('a change made through any path of the pool is counted, so the request that made it ends with a fence', async () => {
    const { user } = await a.userWithSession('cadet');
    const cache = pgCache(a);
    let n = cache.localChanges();
    await sql`update users set full_name = ${'Сира SQL'} where id = ${user.id}`.execute(a.deps.db);
    expect(cache.localChanges()).toBe(++n);
    await a.deps.storage.write(function* () {
      yield a.deps.db
        .updateTable('sessions')
        .set({ reauth_at: new Date().toISOString() })
        .where('user_id', '=', user.id);
    });
    expect(cache.localChanges()).toBe(++n);
    await a.deps.db.transaction().execute((trx) => trx.deleteFrom('sessions').where('user_id', '=', user.id).execute());
    expect(cache.localChanges()).toBe(++n);
    // Reads, and a change that changed no row, are not.
    await a.deps.db.selectFrom('users').selectAll().where('id', '=', user.id).execute();
    await a.deps.db.updateTable('users').set({ full_name: 'x' }).where('id', '=', -1).execute();
    expect(cache.localChanges()).toBe(n);
  });

  it('a change made outside the API (psql) reaches every instance', async () => {
    const { user, cookie } = await cachedOnB();
    await psql(url, 'update users set active = false where id = $1', [user.id]);
    await expect.poll(() => pgCache(b).get(hashToken(tokenOf(cookie)))).toBeUndefined();
    expect((await me(b, cookie)).status).toBe(401);
    const other = await cachedOnB();
    await psql(url, 'delete from sessions where user_id = $1', [other.user.id]);
    await expect.poll(async () => (await me(b, other.cookie)).status).toBe(401);
  });

  it('an instance that loses its listening connection reads every session until it listens again', async () => {
    const { user, cookie } = await cachedOnB();
    const cache = pgCache(b);
    await psql(
      url,
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and application_name like '%-listen'`,
    );
    await expect.poll(() => cache.active).toBe(false);
    expect(cache.size).toBe(0);
    // Not listening: a change is seen at once because nothing is cached.
    const hits = cache.stats.hits;
    await psql(url, 'update users set full_name = $1 where id = $2', ['Без кешу', user.id]);
    expect((await (await me(b, cookie)).json()).user.full_name).toBe('Без кешу');
    expect((await me(b, cookie)).status).toBe(200);
    expect(cache.stats.hits).toBe(hits);
    // It reconnects by itself, and caches again.
    await expect.poll(() => cache.active, { timeout: 15_000 }).toBe(true);
    await expect.poll(() => pgCache(a).active, { timeout: 15_000 }).toBe(true);
    await cachedOnB();
  });
});

describe('PgSessionCache', async () => {
  const url = await freshPostgresDatabase();

  function open(read: (id: string) => Promise<SessionWithUser | undefined>, timing = {}) {
    const pool = createPgPool(url, { max: 2 });
    const cache = new PgSessionCache({ url, read, ...timing });
    return {
      cache,
      notify: (payload: string) => pool.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, payload]),
      closed: false,
      async close() {
        if (this.closed) return;
        this.closed = true;
        await cache.close();
        await pool.end();
      },
    };
  }
  const user = { id: 41, role: 'cadet' as const };
  const later = () => Date.now() + 60_000;

  it('does not cache a read that was in flight when a change arrived, even when a later read of it was not', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const c = open(async () => {
      await gate;
      return undefined;
    });
    try {
      await c.cache.start();
      expect(c.cache.active).toBe(true);
      const before = c.cache.readGeneration();
      const reading = c.cache.lookup('s1');
      // The session changes while it is being read (another instance ends it).
      await c.notify('s:s1');
      await c.cache.fence(); // after this, the listener has handled the notification
      // A second request with the same cookie reads it afresh meanwhile.
      const after = c.cache.readGeneration();
      release();
      await reading;
      c.cache.set('s1', user, later(), before);
      expect(c.cache.get('s1')).toBeUndefined();
      c.cache.set('s1', user, later(), after);
      expect(c.cache.get('s1')?.user.id).toBe(41);
    } finally {
      release();
      await c.close();
    }
  });

  it('a change by TRUNCATE empties the cache', async () => {
    const c = open(async () => undefined);
    try {
      await c.cache.start();
      c.cache.set('s2', user, later(), c.cache.readGeneration());
      expect(c.cache.size).toBe(1);
      await c.notify('c');
      await expect.poll(() => c.cache.size).toBe(0);
    } finally {
      await c.close();
    }
  });

  it('an instance that stops hearing the database stops using its cache when its lease runs out', async () => {
    const c = open(async () => undefined, { heartbeatMs: 100, leaseMs: 400, lostAfterMs: 60_000 });
    try {
      await c.cache.start();
      c.cache.set('s3', user, later(), c.cache.readGeneration());
      expect(c.cache.get('s3')).toBeDefined();
      // Its listening socket stops being read (a silent network drop, a frozen proxy): no error, no end.
      const socket = (c.cache as unknown as { listener: { connection: { stream: { pause(): void } } } }).listener
        .connection.stream;
      socket.pause();
      await expect.poll(() => c.cache.active).toBe(false);
      expect(c.cache.get('s3')).toBeUndefined();
    } finally {
      await c.close();
    }
  });

  it('a peer that stops answering holds a fence up for the lease only, then is no longer waited for', async () => {
    const c = open(async () => undefined, { heartbeatMs: 100, leaseMs: 500 });
    try {
      await c.cache.start();
      // A "peer" that announced itself and then went silent (a frozen process): by the time the fence
      // ends, its lease has run out, so it cannot be serving from a cache that missed the change.
      await c.notify('h:0123456789ab:1');
      await expect.poll(() => c.cache.peerCount).toBe(1);
      await c.cache.fence();
      expect(c.cache.stats.fenceTimeouts).toBe(1);
      expect(c.cache.peerCount).toBe(0);
      await c.cache.fence();
      expect(c.cache.stats.fenceTimeouts).toBe(1);
    } finally {
      await c.close();
    }
  });

  it('forged or malformed notifications neither complete a fence nor break the lease', async () => {
    const c = open(async () => undefined, { heartbeatMs: 100, leaseMs: 500 });
    try {
      await c.cache.start();
      for (const junk of ['h:zz:1', 'h::', 'a:x:y:z', 'f:nothex:1', 'q:', 'q:zz', '', 'x:1']) await c.notify(junk);
      await c.notify('h:0123456789ab:1');
      await expect.poll(() => c.cache.peerCount).toBe(1);
      expect(c.cache.active).toBe(true);
    } finally {
      await c.close();
    }
  });

  it('a fence waits for every live peer to acknowledge it (a slow peer holds it until it has caught up)', async () => {
    const one = open(async () => undefined);
    // A peer that takes 300 ms to get through its notifications: it acknowledges only then.
    const peer = new pg.Client({ connectionString: url });
    let caughtUp = false;
    try {
      await one.cache.start();
      await peer.connect();
      peer.on('notification', (m) => {
        const [kind, origin, n] = (m.payload ?? '').split(':');
        if (kind !== 'f') return;
        setTimeout(() => {
          caughtUp = true;
          void peer.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, `a:${origin}:${n}:00000000510e`]);
        }, 300);
      });
      await peer.query(`listen ${SESSION_CACHE_CHANNEL}`);
      await peer.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, 'h:00000000510e:1']);
      await expect.poll(() => one.cache.peerCount).toBe(1);
      await one.cache.fence();
      expect(caughtUp).toBe(true);
      expect(one.cache.stats.fenceTimeouts).toBe(0);
      // A peer that closes says so, and is no longer waited for.
      await peer.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, 'q:00000000510e']);
      await expect.poll(() => one.cache.peerCount).toBe(0);
    } finally {
      await peer.end();
      await one.close();
    }
  });
});
