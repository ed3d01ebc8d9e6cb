/**
 * Scratch PostgreSQL databases for tests of the operations side (start-up checks, db:copy): created on
 * the test server (`TEST_DATABASE_URL`, default the local one) and dropped after the file's tests.
 */
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll } from 'vitest';

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The admin URL pointed at another database. */
export function urlFor(database: string, base = ADMIN_URL): string {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function adminQuery(text: string, database?: string) {
  const client = new pg.Client({ connectionString: database ? urlFor(database) : ADMIN_URL });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
}

/** A new empty database, dropped after the file's tests. Returns its URL. */
export async function scratchDatabase(prefix = 'pgops'): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  afterAll(async () => {
    await adminQuery(`drop database if exists ${name} with (force)`);
  });
  return { name, url: urlFor(name) };
}

/** Run a command to its end; its exit code and output. */
export function run(args: string[], env: Record<string, string>, timeout = 90_000) {
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PG_BIN = '/usr/lib/postgresql/15/bin';

/**
 * A private PostgreSQL server of our own (initdb into a temporary folder, password authentication
 * with SCRAM), for what the shared test server (trust authentication) cannot show: a wrong password.
 * Runs the server as the `postgres` system user when this process is root.
 */
export async function privateServer(password: string): Promise<{ port: number; stop(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgops-cluster-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  const asPg = (cmd: string[]) =>
    process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', ...cmd]] : [cmd[0]!, cmd.slice(1)];
  fs.chmodSync(dir, 0o777);
  const pwfile = path.join(dir, 'pw');
  fs.writeFileSync(pwfile, password, { mode: 0o644 });
  const data = path.join(dir, 'data');
  const exec = (cmd: string[]) => {
    const [bin, args] = asPg(cmd) as [string, string[]];
    const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed: ${r.stderr || r.stdout}`);
  };
  exec([`${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8']);
  exec([
    `${PG_BIN}/pg_ctl`,
    '-D',
    data,
    '-w',
    '-l',
    path.join(dir, 'log'),
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  const stop = () => {
    try {
      exec([`${PG_BIN}/pg_ctl`, '-D', data, '-m', 'immediate', 'stop']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  afterAll(stop);
  return { port, stop };
}
