/**
 * Which database engine the tests run on. `OBERIH_TEST_ENGINE=postgres` (set by the `postgres`
 * vitest project) gives every test app a fresh PostgreSQL database, created from a migrated template
 * database (`CREATE DATABASE … TEMPLATE …`: a file copy, far faster than migrating) on
 * `TEST_DATABASE_URL` (default the local server), and dropped when the file's tests end.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { migrations } from '../../db/migrations/index.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { createPgDb } from '../../db/postgres/connection.ts';
import type { Storage } from '../../db/storage.ts';
import { createDb, type DB } from '../../db/connection.ts';
import type { SqliteStorage } from '../../db/sqlite/storage.ts';

export const TEST_ENGINE: 'sqlite' | 'postgres' = process.env.OBERIH_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_ENGINE === 'postgres';
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The URL of another database on the same server. */
export function databaseUrl(name: string, base = TEST_DATABASE_URL): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The template's name names the migrations it holds: a new or changed migration makes a new template. */
const TEMPLATE = `oberih_test_tpl_${crypto
  .createHash('sha256')
  .update(
    Object.entries(migrations)
      .map(([name, m]) => `${name}\n${String(m.up)}\n${String(m.down)}`)
      .join('\n'),
  )
  .digest('hex')
  .slice(0, 12)}`;

let template: Promise<string> | undefined;

/** The migrated template database, made once per server and set of migrations (test processes take turns). */
function ensureTemplate(): Promise<string> {
  return (template ??= admin(async (c) => {
    await c.query('select pg_advisory_lock(hashtext($1))', ['oberih_test_template']);
    try {
      const exists = await c.query('select 1 from pg_database where datname = $1', [TEMPLATE]);
      if (exists.rowCount) return TEMPLATE;
      const building = `${TEMPLATE}_b${process.pid}`;
      await c.query(`drop database if exists ${building}`);
      await c.query(`create database ${building}`);
      const { db } = createPgDb(databaseUrl(building), { max: 1 });
      try {
        await migrateToLatest(db);
      } finally {
        await db.destroy();
      }
      await c.query(`alter database ${building} rename to ${TEMPLATE}`);
      return TEMPLATE;
    } finally {
      await c.query('select pg_advisory_unlock(hashtext($1))', ['oberih_test_template']);
    }
  }));
}

let made = 0;

/** A fresh, migrated, empty database for one test app, dropped after the file's tests. */
export async function freshPostgresDatabase(): Promise<string> {
  const tpl = await ensureTemplate();
  const name = `oberih_test_${process.pid}_${++made}_${crypto.randomBytes(3).toString('hex')}`;
  await admin(async (c) => {
    // Two copies of the template at the same moment: the server refuses the second (55006); retry.
    for (let i = 0; ; i++) {
      try {
        await c.query(`create database ${name} template ${tpl}`);
        return;
      } catch (e) {
        if ((e as { code?: string }).code !== '55006' || i > 50) throw e;
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
  });
  afterAll(() => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined));
  return databaseUrl(name);
}

/** The SQLite storage behind a test app (tests of SQLite mechanisms only). */
export function sqliteOf(storage: Storage): SqliteStorage {
  if (storage.engine !== 'sqlite') throw new Error('this test needs the SQLite engine');
  return storage as SqliteStorage;
}

/** Commit what the group commit holds (SQLite); PostgreSQL commits each write before answering anyway. */
export function flushWrites(storage: Storage) {
  if (storage.engine === 'sqlite') (storage as SqliteStorage).writer.flush();
}

/**
 * Run `fn` over a second, separate connection to a test app's database (another process would see it
 * so: a CLI, a restore, another API instance), then close it.
 */
export async function withOtherConnection(
  t: { dbFile: string; databaseUrl?: string },
  fn: (db: DB) => Promise<void>,
): Promise<void> {
  const db = t.databaseUrl ? createPgDb(t.databaseUrl, { max: 1 }).db : createDb(t.dbFile).db;
  try {
    await fn(db);
  } finally {
    await db.destroy();
  }
}
