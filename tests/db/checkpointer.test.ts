/**
 * WAL checkpoints on a worker thread (db/checkpointer.ts), through the real bootstrap and a real file:
 * the pages reach the database file without the main connection checkpointing, the session cache is
 * not emptied by those checkpoints (they commit nothing), and the worker stops with the dependencies.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { bootstrap, WAL_AUTOCHECKPOINT_WITH_WORKER } from '../../api/bootstrap.ts';
import { createApp } from '../../api/app.ts';
import { hashPassword } from '../../api/auth/password.ts';
import { silentLogger } from '../../api/log.ts';
import { dataVersionProbe } from '../../db/connection.ts';
import { fixtures, ORIGIN, tempDir, TEST_PASSWORD } from '../helpers/app.ts';
import { sqliteOf } from '../helpers/engine.ts';

const waitFor = async (ok: () => Promise<boolean> | boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function setup() {
  const dir = tempDir('oberih-ckpt-');
  const dbFile = path.join(dir, 'test.sqlite');
  const deps = await bootstrap({
    dbFile,
    contentDir: 'tests/fixtures/content',
    catalog: fixtures(),
    log: silentLogger,
    groupCommitMs: 0,
    backgroundCheckpoint: true,
  });
  const app = createApp(deps);
  const user = await deps.db
    .insertInto('users')
    .values({
      email: 'ckpt@test.ua',
      full_name: 'Тест',
      role: 'cadet',
      password_hash: await hashPassword(TEST_PASSWORD),
      locale: 'uk',
      created_at: new Date().toISOString(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const login = await app.request(`${ORIGIN}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: ORIGIN },
    body: JSON.stringify({ email: user.email, password: TEST_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .find((c) => c.startsWith('oberih_session='))!
    .split(';')[0]!;
  const course = [...fixtures().courses.values()][0]!.course;
  const send = (id: string) =>
    app.request(`${ORIGIN}/api/progress/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN, cookie },
      body: JSON.stringify({
        events: [{ id, course: course.id, module: course.modules[0], kind: 'viewed', at: new Date().toISOString() }],
      }),
    });
  return { dir, dbFile, deps, user, send };
}

describe('background checkpointer', () => {
  it('copies committed pages into the database file off the main thread; the cache is not emptied by it', async () => {
    const { dir, dbFile, deps, user, send } = await setup();
    const { checkpointer, sqlite } = sqliteOf(deps.storage);
    expect(checkpointer).toBeTruthy();
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(WAL_AUTOCHECKPOINT_WITH_WORKER);
    for (let i = 0; i < 30; i++) expect((await send(`ckpt-event-${i}`)).status).toBe(200);
    await waitFor(async () => (await checkpointer!.stats()).runs > 0);
    const stats = await checkpointer!.stats();
    expect(stats.errors).toBe(0);
    // Everything committed so far is now in the database file itself: a copy without its -wal has the rows.
    await waitFor(async () => {
      const copy = path.join(dir, `copy-${Date.now()}.sqlite`);
      fs.copyFileSync(dbFile, copy);
      const c = new SQLite(copy, { readonly: true });
      const n = (c.prepare('select count(*) as n from progress_events where user_id = ?').get(user.id) as { n: number })
        .n;
      c.close();
      if (n !== 30) await checkpointer!.stats().then(() => checkpointer!.poke());
      return n === 30;
    });
    // A checkpoint is not a commit: the session cache kept its entries and answered from memory.
    expect(deps.sessionCache!.stats.cleared).toBe(0);
    expect(deps.sessionCache!.stats.hits).toBeGreaterThanOrEqual(29);
    // Duplicates are still ignored.
    expect(await (await send('ckpt-event-0')).json()).toEqual({ stored: 0, duplicates: 1 });
    await deps.close();
    await deps.close();
  });
});

describe('dataVersionProbe', () => {
  it("changes on another connection's commit, not on our own commits nor on checkpoints", () => {
    const dir = tempDir('oberih-dv-');
    const file = path.join(dir, 'dv.sqlite');
    const main = new SQLite(file);
    main.pragma('journal_mode = WAL');
    main.exec('create table t (x)');
    const probe = dataVersionProbe(main);
    const v0 = probe.get();
    main.prepare('insert into t values (1)').run();
    expect(probe.get()).toBe(v0);
    const other = new SQLite(file);
    other.pragma('wal_checkpoint(PASSIVE)');
    expect(probe.get()).toBe(v0);
    other.prepare('insert into t values (2)').run();
    const v1 = probe.get();
    expect(v1).not.toBe(v0);
    expect(probe.get()).toBe(v1);
    // A restarted WAL (after a full checkpoint) is a change of header too, never missed.
    other.pragma('wal_checkpoint(TRUNCATE)');
    other.prepare('insert into t values (3)').run();
    expect(probe.get()).not.toBe(v1);
    probe.close();
    // After close it still answers (from the pragma).
    other.prepare('insert into t values (4)').run();
    expect(typeof probe.get()).toBe('number');
    other.close();
    main.close();
  });

  it('falls back to the pragma without WAL', () => {
    const mem = new SQLite(':memory:');
    const probe = dataVersionProbe(mem);
    expect(typeof probe.get()).toBe('number');
    probe.close();
    mem.close();
  });
});
