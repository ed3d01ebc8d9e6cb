/**
 * Bad input at start-up (issue #21): the real start command with a malformed DATABASE_URL, an
 * unreachable server, a wrong user or password, a database with a newer schema, WORKERS=2 on SQLite.
 * Each: one line on stderr naming the setting, a non-zero exit code, nothing written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../api/config.ts';
import { createPgDb } from '../../db/postgres/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { tempDir } from '../helpers/app.ts';
import { adminQuery, privateServer, run, scratchDatabase, urlFor } from '../helpers/pg-admin.ts';

const START = ['--import', 'tsx', 'api/start.ts'];

function start(env: Record<string, string>) {
  const dataDir = path.join(tempDir('oberih-start-'), 'data');
  const r = run(START, {
    SKIP_BUILD: '1',
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SITE_DIR: '.tmp/fixture-site',
    CONTENT_DIR: 'tests/fixtures/content',
    ...env,
  });
  const lines = r.stderr.trim().split('\n').filter(Boolean);
  return { ...r, lines, wroteData: fs.existsSync(dataDir) };
}

describe('start-up refuses bad database settings', () => {
  it('a malformed DATABASE_URL: exit 2, one line naming the setting, nothing written', () => {
    const r = start({ DATABASE_URL: 'postgres://oberih:p@ss@[db/oberih' });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      expect.stringMatching(/^error: Invalid configuration: DATABASE_URL: not a valid URL: write it as postgres:\/\//),
    ]);
    expect(r.stderr).not.toContain('p@ss');
    expect(r.wroteData).toBe(false);
  });

  it('a URL of another database kind is named as such', () => {
    const r = start({ DATABASE_URL: 'mysql://root@db/oberih' });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual(['error: Invalid configuration: DATABASE_URL: must start with postgres:// (got mysql://)']);
  });

  it('npm start (scripts/start.mjs) stops on the bad setting before building anything', () => {
    const r = run(['scripts/start.mjs'], { DATABASE_URL: 'postgres://', SITE_DIR: tempDir('oberih-nosite-') });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^error: Invalid configuration: DATABASE_URL: /);
    expect(r.stdout).not.toContain('Building');
  });

  it('an unreachable server: exit 3, names host and port and what to check', () => {
    const r = start({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/oberih' });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^error: DATABASE_URL: cannot reach PostgreSQL at 127\.0\.0\.1:1 \(ECONNREFUSED\): check the host and port/,
      ),
    ]);
    expect(r.wroteData).toBe(false);
  });

  it('an unknown user on the server: exit 3, names the user', () => {
    const r = start({ DATABASE_URL: urlFor('postgres').replace('postgres@', 'pgops_nobody:secret@') });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^error: DATABASE_URL: PostgreSQL refused user "pgops_nobody" .*check the user name and password/,
      ),
    ]);
    expect(r.stderr).not.toContain('secret');
  });

  it('a missing database: exit 3, says how to create it', () => {
    const r = start({ DATABASE_URL: urlFor('pgops_absent') });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      expect.stringMatching(/^error: DATABASE_URL: database "pgops_absent" does not exist .*createdb/),
    ]);
  });

  it('a wrong password (a server with password authentication, a role with a password): exit 3', async () => {
    const server = await privateServer('right-password');
    const base = `postgres://postgres:%s@127.0.0.1:${server.port}/postgres`;
    const ok = start({ DATABASE_URL: base.replace('%s', 'right-password'), WORKERS: '1', PORT: 'x' });
    // The right password passes the database checks; PORT=x then fails as a setting, before connecting.
    expect(ok.code).toBe(2);
    const { db, pool } = createPgDb(base.replace('%s', 'right-password'));
    await pool.query(`create role pgops_officer login password 'officer-pass'`);
    await db.destroy();
    const r = start({ DATABASE_URL: `postgres://pgops_officer:wrong-pass@127.0.0.1:${server.port}/postgres` });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      expect.stringMatching(
        /^error: DATABASE_URL: PostgreSQL refused user "pgops_officer" \(password authentication failed.*\): check the user name and password/,
      ),
    ]);
    expect(r.stderr).not.toContain('wrong-pass');
    expect(r.wroteData).toBe(false);
    const good = start({
      DATABASE_URL: `postgres://pgops_officer:officer-pass@127.0.0.1:${server.port}/postgres`,
      PORT: 'x',
    });
    expect(good.code).toBe(2);
  }, 120_000);

  it('a database with a newer schema: exit 3, says what to do, and leaves the database as it was', async () => {
    const { name, url } = await scratchDatabase();
    const { db } = createPgDb(url);
    await migrateToLatest(db);
    await db.destroy();
    await adminQuery(
      `insert into kysely_migration (name, timestamp) values ('2099-01-01T0000-from-the-future', '2099-01-01')`,
      name,
    );
    const before = await adminQuery(
      `select (select count(*) from kysely_migration) as m, (select count(*) from information_schema.tables where table_schema = 'public') as t`,
      name,
    );
    const r = start({ DATABASE_URL: url });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      'error: DATABASE_URL: the database has a newer schema than this code (migration 2099-01-01T0000-from-the-future is unknown here): run the newer release, or restore the backup taken before the upgrade',
    ]);
    const after = await adminQuery(
      `select (select count(*) from kysely_migration) as m, (select count(*) from information_schema.tables where table_schema = 'public') as t`,
      name,
    );
    expect(after.rows).toEqual(before.rows);
    expect(r.wroteData).toBe(false);
  });

  it('a read replica URL is checked too, and named in the message', () => {
    const r = start({ DATABASE_URL: urlFor('postgres'), DATABASE_READ_URL: 'postgres://postgres@127.0.0.1:1/oberih' });
    expect(r.code).toBe(3);
    expect(r.lines).toEqual([
      expect.stringMatching(/^error: DATABASE_READ_URL: cannot reach PostgreSQL at 127\.0\.0\.1:1/),
    ]);
  });

  it('WORKERS=2 on SQLite: exit 2, says PostgreSQL is needed', () => {
    const r = start({ WORKERS: '2' });
    expect(r.code).toBe(2);
    expect(r.lines).toEqual([
      'error: Invalid configuration: WORKERS: 2 needs PostgreSQL: the SQLite file takes one server process; unset WORKERS (or WORKERS=1), or set DATABASE_URL=postgres://…',
    ]);
    expect(r.wroteData).toBe(false);
  });
});

describe('database settings (readEnv)', () => {
  it('defaults: SQLite, one worker, a bounded pool and a statement timeout', () => {
    const e = readEnv({});
    expect(e.databaseUrl).toBeNull();
    expect(e.WORKERS).toBe(1);
    expect(e.DATABASE_POOL_MAX).toBe(10);
    expect(e.DATABASE_STATEMENT_TIMEOUT_MS).toBe(15_000);
  });

  it('PGSSLROOTCERT becomes the URL sslrootcert unless the URL names one; a missing file is refused', () => {
    const ca = path.join(tempDir(), 'ca.pem');
    fs.writeFileSync(ca, 'x');
    const e = readEnv({ DATABASE_URL: 'postgres://u:p@db.example:5432/oberih?sslmode=verify-full', PGSSLROOTCERT: ca });
    expect(new URL(e.databaseUrl!).searchParams.get('sslrootcert')).toBe(ca);
    expect(new URL(e.databaseUrl!).searchParams.get('sslmode')).toBe('verify-full');
    const own = readEnv({ DATABASE_URL: 'postgres://u@db/oberih?sslrootcert=/etc/own.pem', PGSSLROOTCERT: ca });
    expect(new URL(own.databaseUrl!).searchParams.get('sslrootcert')).toBe('/etc/own.pem');
    expect(() => readEnv({ DATABASE_URL: 'postgres://u@db/oberih', PGSSLROOTCERT: '/nonexistent/ca.pem' })).toThrow(
      /^Invalid configuration: PGSSLROOTCERT: no file at \/nonexistent\/ca.pem/,
    );
  });

  it('refuses a pool of 0, a read URL without a primary, and WORKERS above 64', () => {
    expect(() => readEnv({ DATABASE_URL: 'postgres://u@db/o', DATABASE_POOL_MAX: '0' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => readEnv({ DATABASE_READ_URL: 'postgres://u@db/o' })).toThrow(/DATABASE_READ_URL: needs DATABASE_URL/);
    expect(() => readEnv({ DATABASE_URL: 'postgres://u@db/o', WORKERS: '65' })).toThrow(/WORKERS/);
    expect(readEnv({ DATABASE_URL: 'postgres://u@db/o', WORKERS: '4' }).WORKERS).toBe(4);
  });
});
