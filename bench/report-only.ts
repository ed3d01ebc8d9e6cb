/**
 * `BENCH_ONLY=report npm run bench`: the read-heavy scenarios of the instructor and the learner, in a few
 * minutes: `GET /api/reports/cohorts/:id` for the report cohort (500 learners × 3 courses) at 1 and 10
 * connections, the same with `?learners=none` (the dashboard's first request) at 10, the reports of all
 * ten seeded cohorts in turn at 10 connections (an admin; more cohorts than the server keeps recent
 * reports of, so every answer is computed: with nothing written, the same cohort's report is reused),
 * and `GET /api/me/progress` at 50, on the full-scale seed (bench/seed-scale.ts), with the server's CPU
 * time per request (the server is one process: CPU per request is what decides the throughput).
 *
 * The server is compiled from the current sources into `.tmp/bench-report/start.mjs` (same depth as
 * `dist/server/start.mjs`) and run with `npm start`'s node flags and environment. `BENCH_BASELINE=<file.mjs>`
 * also runs an earlier server bundle, on its own copy of the database (migrations it does not know rolled
 * back), in interleaved rounds with the current one, and checks that both answer the report and
 * "My learning" with the same JSON. `BENCH_PROFILE=1` runs the current server with `--cpu-prof` (profile
 * in `.tmp/bench-report-profile/`); `BENCH_ROUNDS` (default 2) and `BENCH_ROUND_SECONDS` (default 5) change the
 * rounds. BENCH_QUICK=1 seeds small. Prints the figures; writes nothing in the checkout besides `.tmp/`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { focusedServer } from './focused-server.ts';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { createDb } from '../db/connection.ts';
import { migrateDown } from '../db/migrate.ts';
import { login, copyDb, startCommand } from './api.ts';
import { cpuMs, runLoad, startProcess, type Running } from './proc.ts';
import { benchScale, seedScale } from './seed-scale.ts';
import type { Generator } from './types.ts';

interface Scenario {
  name: string;
  connections: number;
  generator: Generator;
}

interface Measured {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** Server CPU (user + system) per request, µs, over the run including its warm-up. */
  cpuUs: number;
}

/** The newest migration name a server bundle carries (its migrations are registered by date-prefixed name). */
function newestMigrationIn(bundle: string): string {
  const names = [...fs.readFileSync(bundle, 'utf8').matchAll(/["'](\d{4}-\d\d-\d\dT\d{4}-[a-z0-9-]+)["']\s*:/g)]
    .map((m) => m[1]!)
    .sort();
  if (!names.length) throw new Error(`no migrations found in ${bundle}`);
  return names.at(-1)!;
}

/** Roll back, on a copy of the seeded database, every migration newer than `newest`. */
async function rollBackTo(dbFile: string, newest: string) {
  const { db } = createDb(dbFile);
  try {
    for (;;) {
      const last = (await db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .orderBy('name' as never, 'desc')
        .limit(1)
        .executeTakeFirst()) as { name: string } | undefined;
      if (!last || last.name <= newest) return;
      await migrateDown(db);
    }
  } finally {
    await db.destroy();
  }
}

async function startServer(entry: string, dataDir: string, dbFile: string, nodeArgs: string[]): Promise<Running> {
  const start = startCommand();
  const siteDir = path.join(path.dirname(dataDir), 'site');
  fs.mkdirSync(siteDir, { recursive: true });
  return startProcess(
    [...start.args, ...nodeArgs, entry],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DB_FILE: dbFile,
      SITE_DIR: siteDir,
      CONTENT_DIR: 'content',
      SKIP_BUILD: '1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      // Required in production (links in emails); the bench sends no email.
      PUBLIC_URL: 'http://localhost',
      DB_SYNCHRONOUS: 'FULL',
      ...start.env,
    },
    /Oberih is running: (http:\/\/localhost:\d+)\//,
  );
}

/** Run the report comparison and print it. */
export async function benchReport(opts: { quick: boolean; password: string; log: (m: string) => void }) {
  const { log } = opts;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-bench-report-'));
  const rounds = Number(process.env.BENCH_ROUNDS ?? 2);
  const seconds = Number(process.env.BENCH_ROUND_SECONDS ?? 5);
  const scale = benchScale(opts.quick);
  const servers: { name: string; server: Running }[] = [];
  try {
    const { entry, nodeArgs: profile, profileDir } = focusedServer('bench-report');
    const catalog = loadCatalog(contentFsFrom(fs), 'content');
    const dataDir = path.join(work, 'current', 'data');
    const dbFile = path.join(dataDir, 'oberih.sqlite');
    const seed = await seedScale({ dbFile, dataDir, catalog, password: opts.password, ...scale });
    log(
      `seeded in ${seed.ms} ms: ${JSON.stringify(seed.counts)}; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );

    const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : null;
    if (baseline) {
      const baseData = path.join(work, 'baseline', 'data');
      const baseDb = path.join(baseData, 'oberih.sqlite');
      copyDb(dbFile, baseDb);
      for (const f of fs.readdirSync(dataDir))
        if (!f.startsWith('oberih.sqlite'))
          fs.cpSync(path.join(dataDir, f), path.join(baseData, f), { recursive: true });
      await rollBackTo(baseDb, newestMigrationIn(baseline));
      servers.push({ name: 'baseline', server: await startServer(baseline, baseData, baseDb, []) });
    }
    servers.push({ name: 'current', server: await startServer(entry, dataDir, dbFile, profile) });

    // Learners with seeded progress and attempts from the last cohorts, as in the full benchmark.
    const learners = seed.activeEmails.slice(-200);
    const sessions = new Map<string, { instructor: string; admin: string; learners: string[] }>();
    for (const { name, server } of servers) {
      const instructor = await login(server.url, seed.instructorEmail, opts.password);
      // Not an admin (a second factor is required in production): the second instructor owns cohorts 2–10.
      const admin = await login(server.url, 'bench-instructor2@oberih.bench', opts.password);
      const cookies: string[] = [];
      for (const e of learners) cookies.push(await login(server.url, e, opts.password));
      sessions.set(name, { instructor, admin, learners: cookies });
    }

    const report = `/api/reports/cohorts/${seed.reportCohortId}`;
    // The seed numbers its cohorts consecutively from the report cohort.
    const allReports = Array.from(
      { length: seed.counts.cohorts },
      (_, i) => `/api/reports/cohorts/${seed.reportCohortId + i}`,
    );
    if (baseline) {
      // The same database, the same questions: the answers must be the same (generated_at aside).
      const get = async (name: string, p: string, cookie: string) => {
        const res = await fetch(`${servers.find((s) => s.name === name)!.server.url}${p}`, { headers: { cookie } });
        const body = (await res.json()) as Record<string, unknown>;
        delete body.generated_at;
        return { status: res.status, body };
      };
      for (const p of [report, `${report}?learners=none`]) {
        const [a, b] = [
          await get('baseline', p, sessions.get('baseline')!.instructor),
          await get('current', p, sessions.get('current')!.instructor),
        ];
        if (!isDeepStrictEqual(a, b)) throw new Error(`${p}: the current server's answer differs from the baseline's`);
      }
      for (let i = 0; i < learners.length; i += 20) {
        const [a, b] = [
          await get('baseline', '/api/me/progress', sessions.get('baseline')!.learners[i]!),
          await get('current', '/api/me/progress', sessions.get('current')!.learners[i]!),
        ];
        if (!isDeepStrictEqual(a, b))
          throw new Error(
            `/api/me/progress of ${learners[i]}: the current server's answer differs from the baseline's`,
          );
      }
      log('the report, the summary and "My learning" (10 learners) are identical on both servers');
    }

    const scenarios = (name: string): Scenario[] => {
      const s = sessions.get(name)!;
      return [
        {
          name: 'cohort-report-1',
          connections: 1,
          generator: { kind: 'rotate', paths: [report], cookies: [s.instructor] },
        },
        {
          name: 'cohort-report-10',
          connections: 10,
          generator: { kind: 'rotate', paths: [report], cookies: [s.instructor] },
        },
        {
          name: 'report-summary-10',
          connections: 10,
          generator: { kind: 'rotate', paths: [`${report}?learners=none`], cookies: [s.instructor] },
        },
        {
          name: 'cohort-reports-10-cohorts',
          connections: 10,
          generator: {
            kind: 'rotate',
            paths: allReports,
            cookies: allReports.map((_, i) => (i === 0 ? s.instructor : s.admin)),
          },
        },
        {
          name: 'me-progress',
          connections: 50,
          generator: { kind: 'rotate', paths: ['/api/me/progress'], cookies: s.learners },
        },
      ];
    };
    const results = new Map<string, Measured[]>();
    for (let round = 0; round < rounds; round++) {
      for (const { name, server } of servers) {
        for (const sc of scenarios(name)) {
          const warmup = round === 0 ? 2 : 1;
          const cpu0 = cpuMs(server.proc.pid!);
          const r = await runLoad(
            { url: server.url, connections: sc.connections, duration: seconds, warmup, generator: sc.generator },
            work,
          );
          const cpuUs = Math.round(((cpuMs(server.proc.pid!) - cpu0) * 1000) / (r.requests + r.rps * warmup));
          const key = `${name} ${sc.name}`;
          results.set(key, [
            ...(results.get(key) ?? []),
            { rps: r.rps, p50: r.p50, p95: r.p95, p99: r.p99, errors: r.errors, non2xx: r.non2xx, cpuUs },
          ]);
          log(
            `  round ${round + 1} ${key}: ${r.rps} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, ${cpuUs} µs CPU per request, errors ${r.errors}, non-2xx ${r.non2xx}, load average ${os.loadavg()[0]!.toFixed(2)}`,
          );
        }
      }
    }
    log('\nbest round of each (highest req/s); CPU per request of that round:');
    for (const [key, list] of results) {
      const b = list.reduce((x, y) => (y.rps > x.rps ? y : x));
      const bad = list.reduce((n, x) => n + x.errors + x.non2xx, 0);
      log(
        `  ${key.padEnd(36)} ${String(b.rps).padStart(8)} req/s  p50 ${b.p50} ms  p95 ${b.p95} ms  p99 ${b.p99} ms  ${b.cpuUs} µs CPU/req${bad ? `  ERRORS/non-2xx ${bad}` : ''}`,
      );
    }
    if (profile.length) log(`CPU profile of the current server in ${profileDir} (written when it stops)`);
  } finally {
    for (const s of servers) await s.server.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}
