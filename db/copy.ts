/**
 * `npm run db:copy -- --to postgres://… [--from data/oberih.sqlite] [--key-file …]`: move a deployment
 * from its SQLite file to an EMPTY PostgreSQL database.
 *
 * 1. Checks: the source is at this code's schema (run `npm run db:migrate` on it first otherwise); the
 *    target answers (db/postgres/preflight.ts) and holds no rows in any table (refused otherwise).
 * 2. Migrates the target, then copies every table in foreign-key order (parents first), in batches,
 *    inside ONE transaction, converting values to the column types the migrations made (0/1 →
 *    boolean, ISO-8601 text → timestamptz, JSON text → jsonb, blobs → bytea).
 * 3. Resets every identity sequence past the largest id copied.
 * 4. Verifies, still inside the transaction: each table's row count and checksum computed the same
 *    way on both sides (below). Any difference rolls everything back.
 * 5. Stores the certificate signing key file (when there is one and the source has no key row) in
 *    `signing_keys`, so certificates issued before the move stay verifiable.
 *
 * The checksum of a table is the sum, modulo 2^256, of the SHA-256 of each row normalised by the app's
 * value conventions (timestamps as ISO-8601 UTC with milliseconds, flags as 0/1, JSON re-serialised
 * with sorted keys, numbers as JavaScript numbers, bytes as hex). A sum does not depend on row order,
 * so neither collation nor a missing primary key can make equal tables look different, and a changed,
 * missing or duplicated row changes it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type pg from 'pg';
import { createPgDb, redactUrl } from './postgres/connection.ts';
import { preflight, PreflightError } from './postgres/preflight.ts';
import { migrateToLatest } from './migrate.ts';
import { migrations } from './migrations/index.ts';
import { KEY_FILE } from '../api/certificates/keys.ts';

export class CopyError extends Error {
  override name = 'CopyError';
}

export interface TableReport {
  table: string;
  rows: number;
  checksum: string;
}

export interface CopyReport {
  tables: TableReport[];
  /** Identity sequences reset, with the next value each will give. */
  sequences: { table: string; column: string; next: number }[];
  /** Was the signing key file stored in the target's `signing_keys`? */
  keyStored: boolean;
}

interface Column {
  name: string;
  type: string;
  identity: boolean;
}

interface Table {
  name: string;
  columns: Column[];
  parents: string[];
}

const INTERNAL = new Set(['kysely_migration', 'kysely_migration_lock']);
const MOD = 1n << 256n;
/** PostgreSQL takes at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** JSON with object keys sorted at every level (jsonb keeps its own key order). */
function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

/** A value as the app sees it, by the PostgreSQL column type: the same function reads both sides. */
export function normalise(type: string, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'boolean':
      return v === true || (typeof v !== 'boolean' && Number(v) !== 0) ? 1 : 0;
    case 'timestamp with time zone':
    case 'timestamp without time zone':
      return new Date(String(v)).toISOString();
    case 'jsonb':
    case 'json':
      return canonicalJson(typeof v === 'string' ? JSON.parse(v) : v);
    case 'bytea':
      return Buffer.isBuffer(v) ? v.toString('hex') : Buffer.from(String(v)).toString('hex');
    case 'smallint':
    case 'integer':
    case 'bigint':
    case 'real':
    case 'double precision':
    case 'numeric':
      return Number(v);
    default:
      return String(v);
  }
}

/** A source value ready for a parameter of a column of `type`. */
function toTarget(type: string, v: unknown, where: () => string): unknown {
  if (v === null || v === undefined) return null;
  if (type === 'boolean') return normalise(type, v) === 1;
  if (type.startsWith('timestamp')) {
    const d = new Date(String(v));
    if (Number.isNaN(d.getTime())) throw new CopyError(`${where()}: "${String(v)}" is not a timestamp`);
    return d.toISOString();
  }
  if (type === 'jsonb' || type === 'json') {
    try {
      JSON.parse(String(v));
    } catch {
      throw new CopyError(`${where()}: the value is not valid JSON`);
    }
    return String(v);
  }
  return v;
}

class Checksum {
  private sum = 0n;
  rows = 0;
  add(columns: Column[], row: Record<string, unknown>) {
    const values = columns.map((c) => normalise(c.type, row[c.name]));
    const h = crypto.createHash('sha256').update(JSON.stringify(values)).digest('hex');
    this.sum = (this.sum + BigInt(`0x${h}`)) % MOD;
    this.rows++;
  }
  get hex() {
    return this.sum.toString(16).padStart(64, '0');
  }
}

/** The target's tables (after migrating), their columns and types, parents first. */
async function describeTarget(client: pg.PoolClient): Promise<Table[]> {
  const cols = await client.query<{ t: string; c: string; type: string; identity: string }>(
    `select table_name as t, column_name as c, data_type as type, is_identity as identity
       from information_schema.columns where table_schema = current_schema() order by table_name, ordinal_position`,
  );
  const fks = await client.query<{ t: string; r: string }>(
    `select distinct conrelid::regclass::text as t, confrelid::regclass::text as r
       from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace`,
  );
  const tables = new Map<string, Table>();
  for (const r of cols.rows) {
    if (INTERNAL.has(r.t)) continue;
    const t = tables.get(r.t) ?? { name: r.t, columns: [], parents: [] };
    t.columns.push({ name: r.c, type: r.type, identity: r.identity === 'YES' });
    tables.set(r.t, t);
  }
  for (const fk of fks.rows) {
    const t = tables.get(fk.t.replace(/"/g, ''));
    const parent = fk.r.replace(/"/g, '');
    if (t && parent !== t.name) t.parents.push(parent);
  }
  // Kahn's order, ties by name so the order is stable.
  const order: Table[] = [];
  const placed = new Set<string>();
  const rest = [...tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  while (rest.length) {
    const i = rest.findIndex((t) => t.parents.every((p) => placed.has(p) || !tables.has(p)));
    if (i < 0) throw new CopyError(`foreign keys form a cycle among ${rest.map((t) => t.name).join(', ')}`);
    const [t] = rest.splice(i, 1);
    order.push(t!);
    placed.add(t!.name);
  }
  return order;
}

/** Tables of the target holding rows (before migrating). */
async function nonEmptyTables(client: pg.PoolClient): Promise<string[]> {
  const tables = await client.query<{ t: string }>(
    `select table_name as t from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const full: string[] = [];
  for (const { t } of tables.rows) {
    if (INTERNAL.has(t)) continue;
    if ((await client.query(`select 1 from ${q(t)} limit 1`)).rowCount) full.push(t);
  }
  return full;
}

function checkSourceSchema(sqlite: SQLite.Database, file: string) {
  const has = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = 'kysely_migration'`).get();
  const applied = has
    ? (sqlite.prepare('select name from kysely_migration').pluck().all() as string[])
    : ([] as string[]);
  const known = Object.keys(migrations);
  const unknown = applied.filter((n) => !known.includes(n));
  if (unknown.length)
    throw new CopyError(
      `--from: ${file} has a newer schema than this code (migration ${unknown.at(-1)}): copy with the newer release`,
    );
  const missing = known.filter((n) => !applied.includes(n));
  if (missing.length)
    throw new CopyError(
      `--from: ${file} is not at this code's schema (${missing.length} migration(s) pending): run npm run db:migrate on it first (without DATABASE_URL)`,
    );
}

export async function copySqliteToPostgres(opts: {
  from: string;
  to: string;
  /** The certificate key file to store in `signing_keys` (default: next to the source file, when present). */
  keyFile?: string | null;
  /** Rows per INSERT (capped so a statement stays under PostgreSQL's parameter limit). @defaultValue 1000 */
  batch?: number;
  now?: () => Date;
  log?: (msg: string) => void;
}): Promise<CopyReport> {
  const log = opts.log ?? (() => {});
  if (!fs.existsSync(opts.from)) throw new CopyError(`--from: no SQLite database at ${opts.from}`);
  const sqlite = new SQLite(opts.from, { readonly: true, fileMustExist: true });
  try {
    checkSourceSchema(sqlite, opts.from);
    try {
      await preflight(opts.to, { setting: '--to' });
    } catch (e) {
      if (e instanceof PreflightError) throw new CopyError(e.message);
      throw e;
    }
    const { db, pool } = createPgDb(opts.to, { max: 2, statementTimeoutMs: 0, applicationName: 'oberih-db-copy' });
    try {
      {
        const client = await pool.connect();
        try {
          const full = await nonEmptyTables(client);
          if (full.length)
            throw new CopyError(
              `--to: the target database is not empty (rows in ${full.slice(0, 5).join(', ')}${full.length > 5 ? ', …' : ''}): copy only into an empty database (createdb a new one); nothing was changed`,
            );
        } finally {
          client.release();
        }
      }
      await migrateToLatest(db);
      const client = await pool.connect();
      try {
        await client.query('begin');
        const report = await copyAll(client, sqlite, opts, log);
        await client.query('commit');
        return report;
      } catch (e) {
        await client.query('rollback').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    } finally {
      await db.destroy();
    }
  } finally {
    sqlite.close();
  }
}

async function copyAll(
  client: pg.PoolClient,
  sqlite: SQLite.Database,
  opts: { from: string; keyFile?: string | null; batch?: number; now?: () => Date },
  log: (msg: string) => void,
): Promise<CopyReport> {
  // Another copy (or a server) must not write between our emptiness check and our commit.
  const tables = await describeTarget(client);
  await client.query(`lock table ${tables.map((t) => q(t.name)).join(', ')} in exclusive mode`);
  const sourceTables = new Set(
    sqlite.prepare(`select name from sqlite_master where type = 'table'`).pluck().all() as string[],
  );
  const report: CopyReport = { tables: [], sequences: [], keyStored: false };

  for (const table of tables) {
    if (!sourceTables.has(table.name)) throw new CopyError(`--from: table ${table.name} is missing in ${opts.from}`);
    const srcCols = new Set(
      sqlite
        .prepare(`select * from ${q(table.name)} limit 0`)
        .columns()
        .map((c) => c.name),
    );
    const missing = table.columns.filter((c) => !srcCols.has(c.name)).map((c) => c.name);
    if (missing.length) throw new CopyError(`--from: ${table.name} lacks column(s) ${missing.join(', ')}`);

    const names = table.columns.map((c) => c.name);
    const perBatch = Math.max(1, Math.min(opts.batch ?? 1000, Math.floor(MAX_PARAMS / names.length)));
    const source = new Checksum();
    let batch: unknown[][] = [];
    const flush = async () => {
      if (!batch.length) return;
      const params: unknown[] = [];
      const tuples = batch.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(',')})`);
      await client.query(
        `insert into ${q(table.name)} (${names.map(q).join(',')}) overriding system value values ${tuples.join(',')}`,
        params,
      );
      batch = [];
    };
    const stmt = sqlite.prepare(`select ${names.map(q).join(',')} from ${q(table.name)}`);
    for (const row of stmt.iterate() as Iterable<Record<string, unknown>>) {
      source.add(table.columns, row);
      batch.push(
        table.columns.map((c) =>
          toTarget(c.type, row[c.name], () => `--from: ${table.name}.${c.name} (row ${source.rows})`),
        ),
      );
      if (batch.length >= perBatch) await flush();
    }
    await flush();

    for (const c of table.columns.filter((c) => c.identity)) {
      const r = await client.query<{ next: string }>(
        `select setval(pg_get_serial_sequence($1, $2), coalesce(max(${q(c.name)}), 0) + 1, false) as next from ${q(table.name)}`,
        [q(table.name), c.name],
      );
      report.sequences.push({ table: table.name, column: c.name, next: Number(r.rows[0]!.next) });
    }

    // The same checksum over what PostgreSQL now holds, read back through a cursor in this transaction.
    const target = new Checksum();
    await client.query(
      `declare copy_check no scroll cursor for select ${names.map(q).join(',')} from ${q(table.name)}`,
    );
    for (;;) {
      const r = await client.query<Record<string, unknown>>('fetch 5000 from copy_check');
      for (const row of r.rows) target.add(table.columns, row);
      if (r.rows.length < 5000) break;
    }
    await client.query('close copy_check');
    if (target.rows !== source.rows || target.hex !== source.hex)
      throw new CopyError(
        `verification failed for ${table.name}: ${source.rows} rows (checksum ${source.hex.slice(0, 16)}…) in SQLite, ${target.rows} (${target.hex.slice(0, 16)}…) in PostgreSQL; nothing was committed`,
      );
    report.tables.push({ table: table.name, rows: source.rows, checksum: source.hex });
    log(`${table.name}: ${source.rows} rows, checksum ${source.hex.slice(0, 16)}… verified`);
  }

  // The key that signed the certificates so far, so their QR codes stay genuine after the move.
  const keyFile =
    opts.keyFile === undefined ? path.join(path.dirname(path.resolve(opts.from)), KEY_FILE) : opts.keyFile;
  if (keyFile && fs.existsSync(keyFile)) {
    const r = await client.query(
      `insert into signing_keys (purpose, private_key, created_at) values ('certificate', $1, $2) on conflict (purpose) do nothing`,
      [fs.readFileSync(keyFile, 'utf8'), (opts.now ?? (() => new Date()))().toISOString()],
    );
    report.keyStored = r.rowCount === 1;
    if (report.keyStored) log(`certificate signing key from ${keyFile} stored in signing_keys`);
  }
  return report;
}

/** Command line: `tsx db/copy.ts --to URL [--from FILE] [--key-file FILE | --no-key]`. */
export async function main(argv: string[], defaultFrom: string): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const to = arg('--to');
  if (!to || !/^postgres(ql)?:\/\//i.test(to)) {
    console.error(
      'error: --to: give the target as --to postgres://user:password@host:5432/database (an empty database)',
    );
    return 2;
  }
  const from = arg('--from') ?? defaultFrom;
  const keyFile = argv.includes('--no-key') ? null : arg('--key-file');
  try {
    const started = Date.now();
    const r = await copySqliteToPostgres({ from, to, keyFile, log: (m) => console.log(m) });
    const rows = r.tables.reduce((n, t) => n + t.rows, 0);
    console.log(
      `copied ${rows} rows in ${r.tables.length} tables from ${from} to ${redactUrl(to)} in ${((Date.now() - started) / 1000).toFixed(1)} s; counts and checksums verified`,
    );
    return 0;
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    return e instanceof CopyError ? 3 : 1;
  }
}
