import path from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../db/connection.ts';
import { GroupCommitter } from '../../db/sqlite/group-commit.ts';
import { tempDir } from '../helpers/app.ts';

function setup(opts: { windowMs?: number; maxBatch?: number } = {}) {
  const file = path.join(tempDir('oberih-gc-'), 'gc.sqlite');
  const sqlite = openSqlite(file);
  sqlite.exec('create table t (id integer primary key, v text not null unique)');
  const insert = sqlite.prepare('insert into t (v) values (?)');
  const writer = new GroupCommitter(sqlite, opts);
  /** What another connection sees: only committed rows. */
  const committed = () => {
    const other = new SQLite(file, { readonly: true });
    try {
      return (other.prepare('select v from t order by id').all() as { v: string }[]).map((r) => r.v);
    } finally {
      other.close();
    }
  };
  return { sqlite, insert, writer, committed };
}

/** Two writes per turn of the event loop for three turns, as a burst of requests would arrive; their promises. */
async function burst(writer: GroupCommitter, insert: { run(v: string): unknown }): Promise<Promise<unknown>[]> {
  const writes: Promise<unknown>[] = [];
  await new Promise<void>((done) => {
    const turn = (n: number) => {
      for (const k of [0, 1]) writes.push(writer.run(() => insert.run(`t${n}-${k}`)));
      if (n < 2) setImmediate(() => turn(n + 1));
      else done();
    };
    turn(0);
  });
  return writes;
}

describe('group commit', () => {
  it('writes arriving together share one transaction, and each is acknowledged only once it is committed', async () => {
    const { insert, writer, committed } = setup({ windowMs: 50 });
    const seenAtAck: string[][] = [];
    const writes = ['a', 'b', 'c', 'd'].map((v) =>
      writer.run(() => insert.run(v).changes).then(() => seenAtAck.push(committed())),
    );
    expect(committed()).toEqual([]);
    await Promise.all(writes);
    expect(writer.stats).toEqual({ batches: 1, jobs: 4 });
    for (const seen of seenAtAck) expect(seen).toEqual(['a', 'b', 'c', 'd']);
  });

  it('one failing write is rolled back alone and fails alone', async () => {
    const { insert, writer, committed } = setup();
    const results = await Promise.allSettled(['x', 'x', 'y'].map((v) => writer.run(() => insert.run(v).changes)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(committed()).toEqual(['x', 'y']);
    expect(writer.stats.batches).toBe(1);
  });

  it('a lone write is committed after one turn of the event loop, without waiting for the window', async () => {
    const { insert, writer, committed } = setup({ windowMs: 10_000 });
    const t0 = performance.now();
    await writer.run(() => insert.run('alone'));
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect(committed()).toEqual(['alone']);
  });

  it('writes that keep arriving turn after turn join the open batch until a turn brings none', async () => {
    const { insert, writer, committed } = setup({ windowMs: 10_000 });
    const writes = await burst(writer, insert);
    await Promise.all(writes);
    expect(writer.stats).toEqual({ batches: 1, jobs: 6 });
    expect(committed()).toHaveLength(6);
  });

  it('a batch is committed when its window closes even if writes keep arriving', async () => {
    const { insert, writer } = setup({ windowMs: 0 });
    const writes = await burst(writer, insert);
    await Promise.all(writes);
    expect(writer.stats.jobs).toBe(6);
    expect(writer.stats.batches).toBeGreaterThan(1);
  });

  it('a full batch is committed at once', async () => {
    const { insert, writer } = setup({ windowMs: 10_000, maxBatch: 3 });
    await Promise.all(['1', '2', '3', '4'].map((v) => writer.run(() => insert.run(v))));
    expect(writer.stats).toEqual({ batches: 2, jobs: 4 });
  });

  it('flush() commits what is queued (shutdown)', async () => {
    const { insert, writer, committed } = setup({ windowMs: 10_000 });
    const p = writer.run(() => insert.run('last'));
    writer.flush();
    expect(committed()).toEqual(['last']);
    await p;
  });
});
