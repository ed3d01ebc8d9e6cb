/**
 * `BENCH_DB=postgres npm run bench`: the API's scenarios (ingestion, submit, cohort report, verify and
 * the rest of bench/api.ts) against PostgreSQL with 1 and with 2 API processes (`WORKERS`), next to the
 * bare Hono + `pg` insert ceiling (bench/bare-pg-server.ts) measured in the same run and interleaved
 * with the ingestion rounds, like the SQLite ceiling.
 *
 * The scale seed is written to SQLite as for the SQLite bench, then moved into a fresh PostgreSQL
 * database per configuration with `db:copy` (db/copy.ts), so both engines serve the same data.
 * `BENCH_DATABASE_URL` (default `TEST_DATABASE_URL`, else the local server) is an account that may
 * create and drop databases; the bench's databases are dropped afterwards. Figures are printed and
 * written to `bench/results-postgres.json` (or `BENCH_OUT`).
 * `BENCH_WORKERS=1` runs one configuration only; `BENCH_REPORT_WORKER=0` runs reports in the process.
 *
 * Needs the storage port (api/bootstrap.ts serving from `DATABASE_URL`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { copySqliteToPostgres } from '../db/copy.ts';
import { fullStack, type BareServer, type LoadSettings } from './api.ts';
import { focusedServer } from './focused-server.ts';
import { startProcess, tsxArgs, machine } from './proc.ts';
import { benchScale, seedScale } from './seed-scale.ts';
import type { ScenarioResult } from './types.ts';

const ADMIN =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string) {
  const c = new pg.Client({ connectionString: ADMIN });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

function urlOf(db: string) {
  const u = new URL(ADMIN);
  u.pathname = `/${db}`;
  return u.toString();
}

/** A fresh PostgreSQL copy of the seeded SQLite file. */
async function pgCopy(dbFile: string, name: string, made: string[]) {
  await admin(`create database ${name}`);
  made.push(name);
  const url = urlOf(name);
  await copySqliteToPostgres({ from: dbFile, to: url });
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('vacuum analyze');
  await c.end();
  return url;
}

const brief = (s: ScenarioResult) =>
  `${s.name.padEnd(28)} ${String(s.rps).padStart(7)} req/s  p50 ${s.p50} ms  p99 ${s.p99} ms  errors ${s.errors}  non-2xx ${s.non2xx}  × ceiling ${s.ratioToCeiling}`;

export async function benchPostgres(opts: {
  quick: boolean;
  password: string;
  settings: LoadSettings;
  log: (m: string) => void;
}) {
  const { log } = opts;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-bench-pg-'));
  const made: string[] = [];
  const tag = crypto.randomBytes(3).toString('hex');
  const results: Record<string, unknown> = { machine: machine(), when: new Date().toISOString(), configs: [] };
  try {
    const catalog = loadCatalog(contentFsFrom(fs), 'content');
    const dataDir = path.join(work, 'data');
    const dbFile = path.join(dataDir, 'oberih.sqlite');
    const seed = await seedScale({ dbFile, dataDir, catalog, password: opts.password, ...benchScale(opts.quick) });
    log(`seeded SQLite in ${seed.ms} ms; copying into PostgreSQL…`);
    const { entry, nodeArgs, profileDir } = focusedServer('bench-server');
    // BENCH_ONLY=ingestion: only single-event ingestion against the ceiling, with 1 worker unless
    // BENCH_WORKERS says otherwise (a quick loop for work on the write path; BENCH_PROFILE=1 profiles it).
    const only = process.env.BENCH_ONLY === 'ingestion' ? ('ingestion' as const) : undefined;
    const workerCounts = (process.env.BENCH_WORKERS ?? (only ? '1' : '1,2')).split(',').map(Number);
    const siteDir = path.join(work, 'site');
    fs.mkdirSync(siteDir);

    for (const workers of workerCounts) {
      const appUrl = await pgCopy(dbFile, `oberih_bench_${tag}_w${workers}`, made);
      const bareUrl = await pgCopy(dbFile, `oberih_bench_${tag}_bare${workers}`, made);
      const bare: BareServer[] = [
        {
          name: 'bare-normal',
          what: 'bare Hono + pg insert, one transaction each (the PostgreSQL ceiling)',
          server: await startProcess(
            tsxArgs('bench/bare-pg-server.ts'),
            { DATABASE_URL: bareUrl, USER_ID: '4' },
            /listening on (http:\/\/127\.0\.0\.1:\d+)/,
          ),
        },
      ];
      try {
        const full = await fullStack({
          dataDir,
          dbFile,
          siteDir,
          seed,
          password: opts.password,
          catalog,
          bare,
          settings: opts.settings,
          work,
          log,
          entry,
          nodeArgs,
          only,
          env: {
            DATABASE_URL: appUrl,
            WORKERS: String(workers),
            // BENCH_REPORT_WORKER=0 compares reports in the process (the server's REPORT_WORKER).
            ...(process.env.BENCH_REPORT_WORKER ? { REPORT_WORKER: process.env.BENCH_REPORT_WORKER } : {}),
            PORT: String(40000 + Math.floor(Math.random() * 20000)),
          },
        });
        await full.server.stop();
        log(`\nPostgreSQL, WORKERS=${workers}: ceiling ${full.ceiling} req/s`);
        for (const s of full.scenarios) log(`  ${brief(s)}`);
        // Issue #21's target: single-instance ingestion at least half the bare pg ceiling of the same run.
        const ingest = full.scenarios.find((x) => x.name === 'ingest-1');
        if (ingest && workers === 1)
          log(
            `  target: ingestion ≥ 0.5 × the bare pg ceiling (${full.ceiling} req/s): ${ingest.ratioToCeiling} × — ${ingest.ratioToCeiling >= 0.5 ? 'met' : 'not met'}`,
          );
        if (nodeArgs.length) log(`CPU profile in ${profileDir}`);
        (results.configs as unknown[]).push({
          workers,
          ceiling: full.ceiling,
          bare: full.bare,
          scenarios: full.scenarios,
        });
      } finally {
        for (const b of bare) await b.server.stop();
      }
    }
    const out = path.resolve(process.env.BENCH_OUT ?? 'bench');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'results-postgres.json'), `${JSON.stringify(results, null, 2)}\n`);
  } finally {
    for (const name of made) await admin(`drop database if exists ${name} with (force)`).catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  }
}
