/**
 * A real API over a real temporary SQLite file (or, with `OBERIH_TEST_ENGINE=postgres`, a fresh
 * PostgreSQL database: tests/helpers/engine.ts), driven with `app.request()`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { contentFsFrom, loadCatalog, type Catalog } from '../../courses/catalog.ts';
import { bootstrap } from '../../api/bootstrap.ts';
import { createApp } from '../../api/app.ts';
import { hashPassword } from '../../api/auth/password.ts';
import { silentLogger } from '../../api/log.ts';
import type { Role } from '../../db/schema.ts';
import { freshPostgresDatabase, onPostgres } from './engine.ts';

export const ORIGIN = 'http://localhost';
/** How long before the app's "now" a test account is created. */
export const ACCOUNT_AGE_MS = 90 * 24 * 60 * 60 * 1000;
let fixtureCatalog: Catalog | undefined;
export const fixtures = () => (fixtureCatalog ??= loadCatalog(contentFsFrom(fs), 'tests/fixtures/content'));

export function tempDir(prefix = 'oberih-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let passwordHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery';

export async function makeTestApp(
  opts: {
    now?: () => Date;
    catalog?: Catalog;
    config?: Record<string, unknown>;
    log?: import('../../api/log.ts').Logger;
  } = {},
) {
  const dir = tempDir();
  const dbFile = path.join(dir, 'test.sqlite');
  const deps = await bootstrap({
    dbFile,
    databaseUrl: onPostgres ? await freshPostgresDatabase() : undefined,
    contentDir: 'tests/fixtures/content',
    catalog: opts.catalog ?? fixtures(),
    log: opts.log ?? silentLogger,
    now: opts.now,
    groupCommitMs: 0,
    config: opts.config,
  });
  afterAll(() => deps.close());
  const app = createApp(deps);

  /** Send a request; JSON bodies get the right content type and our own Origin (as a browser would). */
  async function request(
    p: string,
    init: {
      method?: string;
      json?: unknown;
      body?: string;
      headers?: Record<string, string>;
      cookie?: string;
      origin?: string | null;
    } = {},
  ) {
    const headers: Record<string, string> = { ...init.headers };
    if (init.json !== undefined) headers['content-type'] ??= 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    const method = init.method ?? (init.json !== undefined || init.body !== undefined ? 'POST' : 'GET');
    if (init.origin !== null && method !== 'GET') headers.origin = init.origin ?? ORIGIN;
    const res = await app.request(`${ORIGIN}${p}`, {
      method,
      headers,
      body: init.json !== undefined ? JSON.stringify(init.json) : init.body,
    });
    return res;
  }

  async function createUser(
    role: Role,
    email = `${role}-${Math.random().toString(36).slice(2, 8)}@test.ua`,
    fullName = `Тест ${role}`,
  ) {
    passwordHash ??= hashPassword(TEST_PASSWORD);
    const user = await deps.db
      .insertInto('users')
      .values({
        email,
        full_name: fullName,
        role,
        password_hash: await passwordHash,
        locale: 'uk',
        // An account that has existed for a while by the app's clock: the server refuses progress
        // event times from before an account existed (api/middleware/progress-quota.ts).
        created_at: new Date((opts.now?.() ?? new Date()).getTime() - ACCOUNT_AGE_MS).toISOString(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return user;
  }

  /** Log in and return the cookie header to send with later requests. */
  async function login(email: string, password = TEST_PASSWORD) {
    const res = await request('/api/auth/login', { json: { email, password } });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    return sessionCookie(res);
  }

  async function userWithSession(role: Role) {
    const user = await createUser(role);
    return { user, cookie: await login(user.email) };
  }

  return { app, deps, dbFile, request, createUser, login, userWithSession };
}

export function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('oberih_session='));
  if (!set) throw new Error('no session cookie set');
  return set.split(';')[0]!;
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;
