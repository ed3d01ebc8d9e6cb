/**
 * `npm run bench`: measured speed of the API, the pages and the build, in one bounded run.
 *
 * 1. builds the site into a temporary folder (timed, peak memory) and weighs its pages;
 * 2. seeds a temporary database at scale (bench/seed-scale.ts);
 * 3. runs the bare ceiling (bench/bare-server.ts) and the real server under autocannon (bench/api.ts);
 * 4. Lighthouse for three pages (skipped by BENCH_QUICK);
 * 5. exports every SCORM package, and builds 10× / 50× synthetic content (timed, peak memory);
 * then writes bench/results.json and bench/results.md (both git-ignored) and prints the table.
 *
 * BENCH_QUICK=1: a smoke run (small seed, 2 s scenarios, no Lighthouse, 10× only).
 * BENCH_ONLY=ingestion: only single-event ingestion against the ceiling, about a minute (bench/ingestion.ts; with
 *   BENCH_DB=postgres, bench/postgres.ts on one worker, or BENCH_WORKERS=1,2).
 * BENCH_ONLY=report: only the cohort report and "My learning" reads, a few minutes (bench/report-only.ts).
 * BENCH_ONLY=mixed: ingestion alone vs while ten reports run, reports on the worker thread vs in process (bench/mixed.ts).
 * BENCH_ONLY=submit: only attempt start and submit at 50 connections, with the ceiling (bench/submit-only.ts).
 * BENCH_ONLY=dashboard: only the instructor dashboard: Lighthouse and long tasks at CPU ×4 (bench/dashboard-lighthouse.ts).
 * BENCH_KEEP=1 keeps the temporary folder. BENCH_OUT=<dir> writes the results elsewhere.
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { fullStack, MODULE_PAGE, startBare, startCommandLine, type LoadSettings } from './api.ts';
import { buildScaled, buildSite, exportScorm } from './builds.ts';
import { longTasks, type LongTaskResult } from './longtasks.ts';
import { lighthouse, siteWeights } from './pages.ts';
import { machine } from './proc.ts';
import { checkTargets, markdown, type Results } from './report.ts';
import { benchScale, seedScale } from './seed-scale.ts';

const QUICK = process.env.BENCH_QUICK === '1';
const OUT = path.resolve(process.env.BENCH_OUT ?? 'bench');
const PASSWORD = 'bench-password-2026';
const settings: LoadSettings = QUICK
  ? { duration: 2, rounds: 2, roundSeconds: 2, warmup: 1, connections: 50, sessions: 40, attemptLearners: 60 }
  : { duration: 10, rounds: 3, roundSeconds: 5, warmup: 2, connections: 50, sessions: 200, attemptLearners: 1000 };
const scale = benchScale(QUICK);
const factors = QUICK ? [10] : [1, 10, 50];

const log = (m: string) => console.log(m);
if (process.env.BENCH_ONLY === 'ingestion' && process.env.BENCH_DB !== 'postgres') {
  await (await import('./ingestion.ts')).benchIngestion({ quick: QUICK, password: PASSWORD, log });
  process.exit(0);
}
if (process.env.BENCH_DB === 'postgres') {
  await (await import('./postgres.ts')).benchPostgres({ quick: QUICK, password: PASSWORD, settings, log });
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'report') {
  await (await import('./report-only.ts')).benchReport({ quick: QUICK, password: PASSWORD, log });
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'mixed') {
  await (await import('./mixed.ts')).benchMixed({ quick: QUICK, password: PASSWORD, log });
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'submit') {
  await (await import('./submit-only.ts')).benchSubmit({ quick: QUICK, password: PASSWORD, log });
  process.exit(0);
}
if (process.env.BENCH_ONLY === 'dashboard') {
  await import('./dashboard-lighthouse.ts');
  process.exit(0);
}
const t0 = performance.now();
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-bench-'));
const since = () => `${Math.round((performance.now() - t0) / 1000)} s`;

try {
  const m = { ...machine(), free: execSync('free -h').toString().trim() };
  log(`Oberih benchmark${QUICK ? ' (quick)' : ''}: ${m.nproc} CPU, ${m.cpu}, ${m.memoryGB} GB, work folder ${work}`);

  log(`[${since()}] building the site…`);
  const siteDir = path.join(work, 'site');
  const build = await buildSite(siteDir);
  if (!build.ok) throw new Error(`the site build failed:\n${build.error}`);
  log(`  ${build.seconds} s, peak ${build.peakTreeRssMB} MB`);
  const catalog = loadCatalog(contentFsFrom(fs), 'content');
  const moduleIds = new Set([...catalog.courses.values()].flatMap((c) => c.course.modules));
  const pages = siteWeights(siteDir, moduleIds);

  log(`[${since()}] seeding ${scale.learners} learners, ${scale.events} events, ${scale.attempts} attempts…`);
  const dataDir = path.join(work, 'data');
  const dbFile = path.join(dataDir, 'oberih.sqlite');
  const seed = await seedScale({ dbFile, dataDir, catalog, password: PASSWORD, ...scale });
  log(`  ${seed.ms} ms: ${JSON.stringify(seed.counts)}`);

  log(`[${since()}] the bare ceiling and the real server (synchronous=FULL, group commit)…`);
  // User 4 is the first learner (after the two instructors and the admin): the bare insert needs an existing user.
  const bare = await startBare(dbFile, 4, work);
  let full: Awaited<ReturnType<typeof fullStack>>;
  try {
    full = await fullStack({ dataDir, dbFile, siteDir, seed, password: PASSWORD, catalog, bare, settings, work, log });
  } finally {
    for (const b of bare) await b.server.stop();
    for (const b of bare) fs.rmSync(path.join(work, b.name), { recursive: true, force: true });
  }
  let lh: Results['lighthouse'] = null;
  let longTaskRuns: Results['longTasks'] = null;
  let longTaskControl: Results['longTaskControl'] = null;
  try {
    if (!QUICK) {
      log(`[${since()}] Lighthouse…`);
      lh = await lighthouse(siteDir, [
        { page: 'home', url: `${full.server.url}/uk/` },
        { page: 'module with a quiz', url: `${full.server.url}${MODULE_PAGE}` },
        {
          page: 'instructor dashboard',
          url: `${full.server.url}/uk/instructor/cohort/?id=${seed.reportCohortId}`,
          cookie: full.instructorCookie,
        },
      ]);
      longTaskRuns = [];
      longTaskControl = [];
      // Each dashboard run is followed by the control: the home page (no island) in the same set-up,
      // whose long tasks are the browser's and the machine's (first frames), not the dashboard's.
      for (let i = 0; i < 3; i++) {
        longTaskRuns.push(
          await longTasks({
            page: 'instructor dashboard',
            url: `${full.server.url}/uk/instructor/cohort/?id=${seed.reportCohortId}`,
            cookie: full.instructorCookie,
          }),
        );
        longTaskControl.push(
          await longTasks({ page: 'home (control)', url: `${full.server.url}/uk/`, cookie: full.instructorCookie }),
        );
      }
      const each = (runs: LongTaskResult[]) => runs.map((x) => `${x.count} (max ${x.maxMs} ms)`).join(', ');
      log(
        `  dashboard long tasks (CPU ×4, first 5 s): ${each(longTaskRuns)}; control, home page: ${each(longTaskControl)}`,
      );
      for (const l of lh)
        log(
          `  ${l.page}: performance ${l.performance}, accessibility ${l.accessibility}${l.error ? ` (${l.error})` : ''}`,
        );
    }
  } finally {
    await full.server.stop();
  }
  const serverMemory = { ...full.stopMemory(), startRssMB: full.startRssMB, idleRssMB: full.idleRssMB };

  log(`[${since()}] SCORM export…`);
  const scorm = await exportScorm(work);
  log(
    `  ${scorm.ok ? `${scorm.seconds} s, peak ${scorm.peakTreeRssMB} MB, ${scorm.packages.length} packages` : `failed: ${scorm.error?.slice(-300)}`}`,
  );

  const scaling = [];
  for (const factor of factors) {
    log(`[${since()}] build at ${factor}× the modules…`);
    const s = await buildScaled(work, factor);
    log(
      `  ${s.modules} modules, ${s.pages} pages: ${s.seconds} s, peak ${s.peakTreeRssMB} MB${s.ok ? '' : ' (FAILED)'}`,
    );
    scaling.push(s);
  }

  const partial: Omit<Results, 'targets'> = {
    generatedAt: new Date().toISOString(),
    quick: QUICK,
    totalSeconds: Math.round((performance.now() - t0) / 1000),
    machine: m,
    settings: {
      duration: settings.duration,
      rounds: settings.rounds,
      roundSeconds: settings.roundSeconds,
      warmup: settings.warmup,
      connections: settings.connections,
      groupCommitMs: 2,
      server: startCommandLine(),
    },
    seed: { seconds: Math.round(seed.ms / 100) / 10, counts: seed.counts },
    ceilingRps: full.ceiling,
    bare: full.bare,
    scenarios: full.scenarios,
    logins: full.logins,
    serverMemory,
    pages,
    lighthouse: lh,
    longTasks: longTaskRuns,
    longTaskControl,
    build,
    scorm: { ...scorm, packages: scorm.packages },
    scaling,
  };
  const results: Results = { ...partial, targets: checkTargets(partial) };
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  const md = markdown(results);
  fs.writeFileSync(path.join(OUT, 'results.md'), md);
  log('\n' + md);
  log(`Written ${path.relative(process.cwd(), path.join(OUT, 'results.json'))} and results.md (${since()}).`);
} finally {
  if (process.env.BENCH_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
}
