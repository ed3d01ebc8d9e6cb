/**
 * Before the server (or a CLI command) touches a PostgreSQL database: can it connect, may it sign in,
 * and is the schema one this code knows? Each failure is one line naming the setting and what to do,
 * and nothing is written (the check only reads `kysely_migration`, and only when it exists).
 */
import pg from 'pg';
import { migrations } from '../migrations/index.ts';
import { redactUrl } from './connection.ts';

export class PreflightError extends Error {
  override name = 'PreflightError';
}

export interface PreflightResult {
  /** The server's version (`server_version`), e.g. `15.10`. */
  serverVersion: string;
  /** Migrations already applied, in order. */
  applied: string[];
  /** Migrations this code would apply. */
  pending: string[];
  /** Is the server a standby (read replica)? */
  inRecovery: boolean;
}

interface PgError extends Error {
  code?: string;
}

/** A one-line explanation of a connection failure, naming `setting` and what to do. */
export function explainConnectError(e: unknown, url: string, setting = 'DATABASE_URL'): string {
  const err = e as PgError;
  const u = safeUrl(url);
  const where = u ? `${u.hostname || 'localhost'}:${u.port || '5432'}` : 'the server';
  const user = u ? decodeURIComponent(u.username) || '(default user)' : '(user)';
  const database = u ? decodeURIComponent(u.pathname.replace(/^\//, '')) : '(database)';
  const code = err?.code ?? '';
  const msg = err?.message ?? String(e);
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH')
    return `${setting}: cannot reach PostgreSQL at ${where} (${code}): check the host and port in ${setting}, that the server is running, and that a firewall lets this machine through`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `${setting}: the host in ${setting} (${u?.hostname ?? '?'}) cannot be resolved (${code}): check its spelling and the machine's DNS`;
  if (/timeout/i.test(msg) || code === 'ETIMEDOUT')
    return `${setting}: no answer from PostgreSQL at ${where} within the connect timeout: check the host, port and firewall`;
  if (code === '28P01' || code === '28000')
    return `${setting}: PostgreSQL refused user "${user}" (${msg}): check the user name and password in ${setting} (percent-encode special characters) and pg_hba.conf`;
  if (code === '3D000')
    return `${setting}: database "${database}" does not exist on ${where}: create it (createdb -h ${u?.hostname ?? 'host'} -U ${user} ${database}) or fix the name`;
  if (code === '42501')
    return `${setting}: user "${user}" may not use database "${database}" (${msg}): grant it CONNECT and CREATE, or use the owner`;
  if (/ssl|tls|certificate|self[- ]signed/i.test(msg) || /^ERR_TLS|CERT/.test(code))
    return `${setting}: TLS with ${where} failed (${msg}): check sslmode in ${setting} and the CA file (sslrootcert or PGSSLROOTCERT)`;
  return `${setting}: cannot use PostgreSQL at ${redactUrl(url)} (${code ? `${code}: ` : ''}${msg})`;
}

function safeUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Connect, authenticate and compare the applied migrations with the ones this code has. Throws
 * `PreflightError` with a one-line message; never writes.
 */
export async function preflight(
  url: string,
  opts: { setting?: string; connectTimeoutMs?: number } = {},
): Promise<PreflightResult> {
  const setting = opts.setting ?? 'DATABASE_URL';
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      application_name: 'oberih-preflight',
    });
  } catch (e) {
    // pg reads sslrootcert files while parsing the URL.
    throw new PreflightError(`${setting}: ${(e as Error).message}`);
  }
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    throw new PreflightError(explainConnectError(e, url, setting));
  }
  try {
    const info = await client.query<{ v: string; recovery: boolean; has: string | null }>(
      `select current_setting('server_version') as v, pg_is_in_recovery() as recovery,
              to_regclass('kysely_migration')::text as has`,
    );
    const row = info.rows[0]!;
    const applied = row.has
      ? (await client.query<{ name: string }>('select name from kysely_migration order by name')).rows.map(
          (r) => r.name,
        )
      : [];
    const known = new Set(Object.keys(migrations));
    const unknown = applied.filter((n) => !known.has(n));
    if (unknown.length)
      throw new PreflightError(
        `${setting}: the database has a newer schema than this code (migration ${unknown.at(-1)} is unknown here): run the newer release, or restore the backup taken before the upgrade`,
      );
    const done = new Set(applied);
    return {
      serverVersion: row.v,
      applied,
      pending: Object.keys(migrations)
        .sort()
        .filter((n) => !done.has(n)),
      inRecovery: row.recovery,
    };
  } catch (e) {
    if (e instanceof PreflightError) throw e;
    throw new PreflightError(explainConnectError(e, url, setting));
  } finally {
    await client.end().catch(() => {});
  }
}
