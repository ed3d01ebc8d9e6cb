import pg from 'pg';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

/**
 * Two projects: `sqlite` runs every test as always; `postgres` runs the engine-neutral suites again
 * on PostgreSQL (OBERIH_TEST_ENGINE=postgres: tests/helpers/engine.ts), when the server at
 * TEST_DATABASE_URL answers. `OBERIH_REQUIRE_POSTGRES=1` makes an unreachable server a failure.
 * Run one engine with `--project sqlite` or `--project postgres`.
 */
const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** The suites that do not depend on SQLite mechanisms (files, WAL, the in-process session cache). */
const POSTGRES_INCLUDE = [
  'tests/api/**/*.test.ts',
  'tests/security/**/*.test.ts',
  'tests/reliability/**/*.test.ts',
  // The programme view's repositories (max over a boolean once failed only on PostgreSQL).
  'tests/programme/**/*.test.ts',
];
const POSTGRES_EXCLUDE = [
  // The SQLite session cache's own mechanism (TEMP triggers, data_version); PostgreSQL's is tests/db/pg-session-cache.test.ts.
  'tests/security/session-cache-sqlite.test.ts',
  // SQLite files: online backup and restore, power-cut durability of the group commit.
  'tests/reliability/backup.test.ts',
  'tests/reliability/crash.test.ts',
  // Serves files; no database behaviour of its own.
  'tests/api/static.test.ts',
  'tests/api/compression.test.ts',
];

async function reachable(): Promise<string | null> {
  const c = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return (e as Error).message || String(e);
  } finally {
    await c.end().catch(() => {});
  }
}

function redact(url: string) {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export default defineConfig(async (): Promise<ViteUserConfig> => {
  const down = await reachable();
  if (down) {
    const msg = `PostgreSQL at ${redact(TEST_DATABASE_URL)} is not reachable (${down})`;
    if (process.env.OBERIH_REQUIRE_POSTGRES === '1')
      throw new Error(`${msg}; OBERIH_REQUIRE_POSTGRES=1 requires the PostgreSQL pass`);
    console.warn(`\n*** ${msg}: the PostgreSQL pass is SKIPPED (set TEST_DATABASE_URL, or start PostgreSQL) ***\n`);
  }
  return {
    test: {
      globalSetup: ['tests/global-setup.ts'],
      pool: 'forks',
      testTimeout: 30_000,
      // Browser assertions wait for the page; the machine is small and shared, so give them time.
      expect: { poll: { timeout: 10_000, interval: 100 } },
      hookTimeout: 300_000,
      // Browser tests share one machine's two cores: run files two at a time.
      maxWorkers: 2,
      // On CI, a test that fails is run once more (browser timing on a small shared machine); a test
      // that fails twice fails the run. Local runs never retry.
      retry: process.env.CI ? 1 : 0,
      reporters: ['default'],
      projects: [
        { extends: true, test: { name: 'sqlite', include: ['tests/**/*.test.ts'] } },
        ...(down
          ? []
          : [
              {
                extends: true as const,
                test: {
                  name: 'postgres',
                  include: POSTGRES_INCLUDE,
                  exclude: POSTGRES_EXCLUDE,
                  env: { OBERIH_TEST_ENGINE: 'postgres', TEST_DATABASE_URL },
                },
              },
            ]),
      ],
    },
  };
});
