/**
 * PostgreSQL connection: Kysely's PostgresDialect over a bounded `pg` pool. The application sees the
 * same values it sees on SQLite (db/migrations/dialect.ts): timestamps as ISO-8601 UTC strings,
 * dates as `YYYY-MM-DD`, booleans as 0/1, JSON as text, 64-bit integers and numerics as numbers
 * (counts and sums never exceed 2^53 here). The parsers are set per pool, not globally.
 */
import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from '../schema.ts';

export interface PgOptions {
  /** Largest number of connections this process opens (`DATABASE_POOL_MAX`). @defaultValue 10 */
  max?: number;
  /** A statement running longer is cancelled by the server (`DATABASE_STATEMENT_TIMEOUT_MS`). @defaultValue 15000 */
  statementTimeoutMs?: number;
  /** How long to wait for a connection from the server. @defaultValue 5000 */
  connectTimeoutMs?: number;
  applicationName?: string;
}

const { builtins } = pg.types;
const toIso = (v: string) => new Date(v).toISOString();
const asNumber = (v: string) => Number(v);
const parsers: Partial<Record<number, (v: string) => unknown>> = {
  [builtins.TIMESTAMPTZ]: toIso,
  [builtins.TIMESTAMP]: (v) => toIso(`${v}Z`),
  [builtins.DATE]: (v) => v,
  [builtins.BOOL]: (v) => (v === 't' ? 1 : 0),
  [builtins.JSON]: (v) => v,
  [builtins.JSONB]: (v) => v,
  [builtins.INT8]: asNumber,
  [builtins.NUMERIC]: asNumber,
};

/** Type parsers for this project's value conventions; anything else as pg parses it. */
export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    parsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** Is this a PostgreSQL connection string? (`postgres://` or `postgresql://`) */
export function isPostgresUrl(url: string | undefined): url is string {
  return !!url && /^postgres(ql)?:\/\//i.test(url.trim());
}

/**
 * Check `DATABASE_URL` (or another setting) before connecting: a malformed value is a one-line error
 * naming the setting and what to write instead. The password never appears in the message.
 */
export function checkPostgresUrl(url: string, setting = 'DATABASE_URL'): URL {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new Error(
      `${setting} is not a valid URL: write it as postgres://user:password@host:5432/database (percent-encode special characters in the password)`,
    );
  }
  if (!/^postgres(ql)?:$/i.test(parsed.protocol))
    throw new Error(`${setting} must start with postgres:// (got ${parsed.protocol}//)`);
  if (!parsed.hostname && !parsed.searchParams.get('host'))
    throw new Error(`${setting} names no host: write postgres://user:password@host:5432/database`);
  if (parsed.pathname.replace(/^\//, '') === '')
    throw new Error(`${setting} names no database: add it after the host, e.g. postgres://user@host:5432/oberih`);
  return parsed;
}

/** The settings every connection of this project uses (pool connections and the session cache's listener). */
export function clientConfig(opts: PgOptions = {}) {
  return {
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    statement_timeout: opts.statementTimeoutMs ?? 15_000,
    application_name: opts.applicationName ?? 'oberih',
    // Every session works in UTC, so `date_trunc` and dates agree with the ISO strings the app writes.
    options: '-c TimeZone=UTC',
    types: typeParsers,
  };
}

/** The same URL with the password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

export function createPgPool(url: string, opts: PgOptions = {}): pg.Pool {
  checkPostgresUrl(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 10,
    ...clientConfig(opts),
  });
  // An idle client losing its connection (server restart, failover) must not crash the process.
  pool.on('error', () => {});
  return pool;
}

export function createPgDb(url: string, opts: PgOptions = {}): { db: Kysely<Database>; pool: pg.Pool } {
  const pool = createPgPool(url, opts);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}
