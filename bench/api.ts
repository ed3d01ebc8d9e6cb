/**
 * The API under load: the bare ceiling (FULL and NORMAL, with and without group commit), then the
 * real server (`api/start.ts`, synchronous=FULL, group commit) on the seeded database, every scenario
 * driven by autocannon from its own process, with the server's memory sampled throughout.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import type { Catalog } from '../courses/catalog.ts';
import type { StoredDraw } from '../db/repos/attempts.ts';
import type { Response as Answer } from '../courses/schema/question.ts';
import { correctResponse } from '../courses/scoring.ts';
import { maskResponse } from '../courses/attempt-ids.ts';
import { cpuMs, memoryWatch, runLoad, startProcess, tsxArgs, type Running } from './proc.ts';
import { wrongResponse } from '../courses/sample-responses.ts';
import type { ScaleResult } from './seed-scale.ts';
import type { Generator, LoadResult, RequestSpec, ScenarioResult } from './types.ts';

export interface LoadSettings {
  duration: number;
  /** Interleaved rounds for the write comparison (bare and ingestion), and each round's length. */
  rounds: number;
  roundSeconds: number;
  warmup: number;
  connections: number;
  /** Learners signed in for ingestion and `GET /api/me/progress`. */
  sessions: number;
  /** Learners signed in to start attempts (each may start one per course). */
  attemptLearners: number;
}

/** How `npm start` runs the server (package.json's "start" script), read so the benchmark follows it. */
export function startCommand(): { args: string[]; env: Record<string, string> } {
  const script =
    (JSON.parse(fs.readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const env = Object.fromEntries([...script.matchAll(/(?:^|\s)([A-Z_]+)=(\S+)/g)].map((m) => [m[1]!, m[2]!]));
  const args = [...script.matchAll(/\s(--[a-z-]+(?:=\S+)?)/g)].map((m) => m[1]!);
  return { args, env };
}
const { args: START_NODE_ARGS, env: START_ENV } = startCommand();
export const startCommandLine = () =>
  `${Object.entries(START_ENV)
    .map(([k, v]) => `${k}=${v} `)
    .join('')}node ${START_NODE_ARGS.join(' ')} scripts/start.mjs`;

export const INGEST_COURSE = 'initial-online-abuse';
export const MODULE_PAGE = '/uk/courses/initial-online-abuse/first-response/';

/** Sign in through the real login route (CSRF: our own Origin) and keep the session cookie. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: url },
    body: JSON.stringify({ email, password }),
  });
  // `__Host-oberih_session` in production (api/auth/session.ts), `oberih_session` otherwise.
  const cookie = res.headers.getSetCookie().find((c) => /^(__Host-)?oberih_session=/.test(c));
  if (res.status !== 200 || !cookie) throw new Error(`login ${email} failed: ${res.status} ${await res.text()}`);
  return cookie.split(';')[0]!;
}

async function loginAll(url: string, emails: string[], password: string, parallel = 8): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < emails.length) {
        const email = emails[next++]!;
        out.set(email, await login(url, email, password));
      }
    }),
  );
  return out;
}

const withRatio = (name: string, what: string, r: LoadResult, ceiling: number, batch = 1): ScenarioResult => ({
  name,
  what,
  ...r,
  ratioToCeiling: ceiling ? Math.round(((r.rps * batch) / ceiling) * 1000) / 1000 : 0,
  ...(batch > 1 || name.startsWith('ingest') || name.startsWith('bare')
    ? { eventsPerSecond: Math.round(r.rps * batch) }
    : {}),
});

export const BARE_CONFIGS = [
  {
    name: 'bare-normal',
    what: 'bare Hono + better-sqlite3 insert, synchronous=NORMAL, one transaction per insert (the ceiling)',
    env: { DB_SYNCHRONOUS: 'NORMAL' },
  },
  {
    name: 'bare-full',
    what: 'bare insert, synchronous=FULL, one transaction (one fsync) per insert',
    env: { DB_SYNCHRONOUS: 'FULL' },
  },
  {
    name: 'bare-full-group',
    what: 'bare insert, synchronous=FULL, group commit (db/sqlite/group-commit.ts, default window)',
    env: { DB_SYNCHRONOUS: 'FULL', GROUP_COMMIT_MS: '2' },
  },
] as const;

export interface BareServer {
  name: string;
  what: string;
  server: Running;
}

/** The bare endpoint in its three configurations (or the named ones), each on its own copy of the seeded database. */
export async function startBare(
  seededDb: string,
  userId: number,
  work: string,
  only?: readonly string[],
): Promise<BareServer[]> {
  const out: BareServer[] = [];
  for (const c of BARE_CONFIGS) {
    if (only && !only.includes(c.name)) continue;
    const copy = path.join(work, c.name, 'bare.sqlite');
    copyDb(seededDb, copy);
    out.push({
      name: c.name,
      what: c.what,
      server: await startProcess(
        tsxArgs('bench/bare-server.ts'),
        { DB_FILE: copy, USER_ID: String(userId), ...c.env },
        /listening on (http:\/\/127\.0\.0\.1:\d+)/,
      ),
    });
  }
  return out;
}

export interface FullStackResult {
  /** Requests/s of the best bare-normal round. */
  ceiling: number;
  bare: ScenarioResult[];
  scenarios: ScenarioResult[];
  memory: { peakRssMB: number; hwmMB: number };
  /** RSS after start-up, and after the sign-ins (before any load). */
  startRssMB: number;
  idleRssMB: number;
  logins: { count: number; seconds: number };
  server: Running;
  instructorCookie: string;
  stopMemory: () => { peakRssMB: number; hwmMB: number };
}

export interface FullStackOptions {
  dataDir: string;
  dbFile: string;
  siteDir: string;
  seed: ScaleResult;
  password: string;
  catalog: Catalog;
  bare: BareServer[];
  settings: LoadSettings;
  work: string;
  log: (m: string) => void;
  /**
   * `ingestion`: only single-event ingestion against the bare servers given (BENCH_ONLY=ingestion);
   * `submit`: only the bare servers given (the ceiling), attempt start and attempt submit (BENCH_ONLY=submit).
   */
  only?: 'ingestion' | 'submit';
  /** The script node runs instead of scripts/start.mjs (a freshly compiled server bundle). */
  entry?: string;
  /** Extra node flags for the server (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Extra environment for the server (`BENCH_DB=postgres`: DATABASE_URL, WORKERS). */
  env?: Record<string, string>;
}

type OpenAttempt = { id: string; user_id: number; course_id: string; questions: string };

/** The attempts the learners just started, from the server's database (SQLite file, or PostgreSQL with BENCH_DB=postgres). */
async function openAttempts(opts: FullStackOptions): Promise<{ ids: Map<number, string>; open: OpenAttempt[] }> {
  const usersSql = 'select id, email from users';
  const openSql = 'select id, user_id, course_id, questions from attempts where submitted_at is null';
  let users: { id: number; email: string }[];
  let open: OpenAttempt[];
  const url = opts.env?.DATABASE_URL;
  if (url) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      users = (await client.query<{ id: number; email: string }>(usersSql)).rows;
      open = (await client.query<OpenAttempt>(openSql)).rows.map((r) => ({
        ...r,
        // jsonb arrives parsed; the SQLite column is text.
        questions: typeof r.questions === 'string' ? r.questions : JSON.stringify(r.questions),
      }));
    } finally {
      await client.end();
    }
  } else {
    const db = new SQLite(opts.dbFile, { readonly: true });
    users = db.prepare(usersSql).all() as typeof users;
    open = db.prepare(openSql).all() as OpenAttempt[];
    db.close();
  }
  return { ids: new Map(users.map((r) => [r.id, r.email])), open };
}

/** Start the real server on the seeded database and run every scenario against it. The caller stops it. */
export async function fullStack(opts: FullStackOptions): Promise<FullStackResult> {
  const { settings: s, seed, work, log } = opts;
  const ingestionOnly = opts.only === 'ingestion';
  const submitOnly = opts.only === 'submit';
  let ceiling = 0;
  const server = await startProcess(
    // As `npm start` runs it: the compiled server (dist/server/start.mjs, written by the site build),
    // MALLOC_ARENA_MAX=2 and a bounded old space (package.json), in this one process.
    [...START_NODE_ARGS, ...(opts.nodeArgs ?? []), opts.entry ?? 'scripts/start.mjs'],
    {
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: opts.dataDir,
      DB_FILE: opts.dbFile,
      SITE_DIR: opts.siteDir,
      CONTENT_DIR: 'content',
      SKIP_BUILD: '1',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'production',
      // Required in production (links in emails); the bench sends no email.
      PUBLIC_URL: 'http://localhost',
      DB_SYNCHRONOUS: 'FULL',
      VERIFY_RATE_LIMIT: '100000000',
      // The benchmark's learners send far more than a person does; measure the path, not the quota.
      PROGRESS_RATE_LIMIT: '100000000',
      PROGRESS_MODULE_QUOTA: '100000000',
      ...START_ENV,
      ...opts.env,
    },
    /Oberih is running: (http:\/\/localhost:\d+)\//,
  );
  let died: string | null = null;
  let stopping = false;
  const stopServer = server.stop;
  server.stop = () => {
    stopping = true;
    return stopServer();
  };
  server.proc.on('exit', (code, signal) => {
    if (stopping) return;
    died = `the server exited (code ${code}, signal ${signal}) during the benchmark:\n${server.output().slice(-3000)}`;
    log(died);
  });
  const watch = memoryWatch(server.proc.pid!, 200);
  const url = server.url;
  const scenarios: ScenarioResult[] = [];
  const load = async (
    name: string,
    what: string,
    generator: Generator,
    extra: { connections?: number; amount?: number; warmup?: number; batch?: number } = {},
  ) => {
    if (died) throw new Error(died);
    watch.mark();
    const loadAverage = () => Math.round(os.loadavg()[0]! * 10) / 10;
    const cpu0 = cpuMs(server.proc.pid!);
    const r = await runLoad(
      {
        url,
        connections: extra.connections ?? s.connections,
        duration: s.duration,
        warmup: extra.warmup ?? s.warmup,
        amount: extra.amount,
        generator,
      },
      work,
    );
    const cpu = r.requests ? Math.round(((cpuMs(server.proc.pid!) - cpu0) * 1000) / r.requests) : 0;
    const sr = {
      ...withRatio(name, what, r, ceiling, extra.batch ?? 1),
      ...(extra.amount && cpu ? { serverCpuUsPerRequest: cpu } : {}),
      serverRssMB: watch.mark(),
      loadAverage: loadAverage(),
    };
    scenarios.push(sr);
    log(
      `  ${name}: ${r.rps} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, max ${r.max} ms${sr.serverCpuUsPerRequest ? `, ${sr.serverCpuUsPerRequest} µs server CPU per request` : ''}, errors ${r.errors}, non-2xx ${r.non2xx}, server RSS ≤ ${sr.serverRssMB} MB`,
    );
    return sr;
  };

  const startRssMB = watch.mark();
  const t0 = performance.now();
  // Learners from the last cohorts: the report cohort (the first) keeps its seeded size while they write.
  const learners = submitOnly ? [] : seed.activeEmails.slice(-s.sessions);
  const fresh = ingestionOnly ? [] : seed.freshEmails.slice(0, s.attemptLearners);
  // The second bench instructor owns every cohort but the first (bench/seed-scale.ts). An admin would
  // see them all, but admins must have a second factor in production (api/start.ts).
  const OTHER = 'bench-instructor2@oberih.bench';
  const cookies = await loginAll(
    url,
    [seed.instructorEmail, ...(ingestionOnly || submitOnly ? [] : [OTHER]), ...learners, ...fresh],
    opts.password,
  );
  const logins = { count: cookies.size, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  watch.sample();
  const idleRssMB = Math.round(watch.mark());
  log(
    `  server RSS after start-up ${startRssMB} MB; signed in ${logins.count} accounts in ${logins.seconds} s; RSS before the load ${idleRssMB} MB`,
  );
  const learnerCookies = learners.map((e) => cookies.get(e)!);
  const instructorCookie = cookies.get(seed.instructorEmail)!;
  const modules = opts.catalog.courses.get(INGEST_COURSE)!.course.modules;

  const ingest = (batch: number): Generator => ({
    kind: 'progress',
    path: '/api/progress/events',
    batch,
    cookies: learnerCookies,
    course: INGEST_COURSE,
    modules,
  });
  // The writes are compared with the ceiling in interleaved rounds, best round of each kept: other
  // work on the machine only ever slows a round down, and interleaving spreads it over all of them.
  const writes = [
    ...opts.bare.map((b) => ({
      name: b.name,
      what: b.what,
      url: b.server.url,
      generator: {
        kind: 'progress',
        path: '/events',
        batch: 1,
        cookies: [''],
        course: INGEST_COURSE,
        modules,
      } as Generator,
      batch: 1,
      full: false,
    })),
    {
      name: 'ingest-1',
      what: 'POST /api/progress/events, 1 event per request (FULL + group commit)',
      url,
      generator: ingest(1),
      batch: 1,
      full: true,
    },
    {
      name: 'ingest-20',
      what: 'POST /api/progress/events, 20 events per request',
      url,
      generator: ingest(20),
      batch: 20,
      full: true,
    },
  ].filter((w) => (!ingestionOnly || w.name !== 'ingest-20') && (!submitOnly || !w.full));
  const rounds = new Map<string, { r: LoadResult; rss?: number; cpu?: number }[]>(writes.map((w) => [w.name, []]));
  for (let round = 0; round < s.rounds; round++) {
    for (const w of writes) {
      if (died) throw new Error(died);
      watch.mark();
      // The server's CPU over the whole load run (warm-up included, as are its requests: an estimate).
      const cpu0 = w.full ? cpuMs(server.proc.pid!) : 0;
      const r = await runLoad(
        {
          url: w.url,
          connections: s.connections,
          duration: s.roundSeconds,
          warmup: round === 0 ? s.warmup : 0,
          generator: w.generator,
        },
        work,
      );
      const cpu = w.full
        ? Math.round(((cpuMs(server.proc.pid!) - cpu0) * 1000) / (r.requests + (round === 0 ? r.rps * s.warmup : 0)))
        : undefined;
      rounds.get(w.name)!.push({ r, rss: w.full ? watch.mark() : undefined, cpu });
    }
    log(
      `  round ${round + 1}: ${writes.map((w) => `${w.name} ${rounds.get(w.name)!.at(-1)!.r.rps}${rounds.get(w.name)!.at(-1)!.cpu ? ` (${rounds.get(w.name)!.at(-1)!.cpu} µs CPU)` : ''}`).join(', ')} req/s`,
    );
  }
  /** The best round's figures, with every round's failures and the highest server RSS of all rounds. */
  const best = new Map(
    writes.map((w) => {
      const list = rounds.get(w.name)!;
      const topRound = list.reduce((a, b) => (b.r.rps > a.r.rps ? b : a));
      const top = topRound.r;
      const sum = (k: 'errors' | 'timeouts' | 'non2xx') => list.reduce((n, x) => n + x.r[k], 0);
      const rss = Math.max(0, ...list.map((x) => x.rss ?? 0));
      return [
        w.name,
        {
          ...top,
          errors: sum('errors'),
          timeouts: sum('timeouts'),
          non2xx: sum('non2xx'),
          roundsRps: list.map((x) => x.r.rps),
          ...(rss ? { serverRssMB: rss } : {}),
          ...(topRound.cpu ? { serverCpuUsPerRequest: topRound.cpu } : {}),
        },
      ];
    }),
  );
  ceiling = best.get('bare-normal')!.rps;
  const bareResults: ScenarioResult[] = [];
  for (const w of writes) {
    const r = best.get(w.name)!;
    const sr = {
      ...withRatio(w.name, w.what, r, ceiling, w.batch),
      loadAverage: Math.round(os.loadavg()[0]! * 10) / 10,
    };
    (w.full ? scenarios : bareResults).push(sr);
    log(
      `  ${w.name}: best ${r.rps} req/s of ${r.roundsRps.join(' / ')}, p99 ${r.p99} ms, × ceiling ${sr.ratioToCeiling}${r.serverCpuUsPerRequest ? `, server CPU ${r.serverCpuUsPerRequest} µs per request` : ''}`,
    );
  }
  if (ingestionOnly)
    return {
      ceiling,
      bare: bareResults,
      scenarios,
      memory: watch.current(),
      startRssMB,
      idleRssMB,
      logins,
      server,
      instructorCookie,
      stopMemory: () => watch.stop(),
    };
  if (!submitOnly) await reads();
  async function reads() {
    await load('me-progress', 'GET /api/me/progress (learners with ~40 events and attempts in 3 courses)', {
      kind: 'rotate',
      paths: ['/api/me/progress'],
      cookies: learnerCookies,
    });
    const report = `/api/reports/cohorts/${seed.reportCohortId}`;
    await load(
      'cohort-report-1',
      `GET ${report} (${seed.counts.reportCohortLearners} learners × 3 courses), 1 connection`,
      { kind: 'rotate', paths: [report], cookies: [instructorCookie] },
      { connections: 1 },
    );
    await load(
      'cohort-report-10',
      `GET ${report}, 10 connections (ten instructors at once)`,
      { kind: 'rotate', paths: [report], cookies: [instructorCookie] },
      { connections: 10 },
    );
    // The same report asked again is reused while nothing was written (api/routes/reports.ts); these two
    // rotate over every seeded cohort (more than the server keeps), so each answer is computed afresh.
    // One cookie per path (the rotation pairs them by index): the owner of each cohort.
    const reportCookies = Array.from({ length: seed.counts.cohorts }, (_, i) =>
      i === 0 ? instructorCookie : cookies.get(OTHER)!,
    );
    const allReports = Array.from(
      { length: seed.counts.cohorts },
      (_, i) => `/api/reports/cohorts/${seed.reportCohortId + i}`,
    );
    await load(
      'cohort-reports-computed-1',
      `GET the ${seed.counts.cohorts} cohorts' reports in turn (each computed), 1 connection`,
      { kind: 'rotate', paths: allReports, cookies: reportCookies },
      { connections: 1 },
    );
    await load(
      'cohort-reports-computed-10',
      `the same, 10 connections (ten instructors, ten cohorts, at once)`,
      { kind: 'rotate', paths: allReports, cookies: reportCookies },
      { connections: 10 },
    );
    // Issue #26 item 2: ingestion while ten instructors' reports are computed (reports start a second
    // earlier and end later, so every measured ingestion request runs during them).
    const reportsMeanwhile = runLoad(
      {
        url,
        connections: 10,
        duration: s.duration + 3,
        warmup: 0,
        generator: { kind: 'rotate', paths: allReports, cookies: reportCookies },
      },
      work,
    );
    await new Promise((r) => setTimeout(r, 1000));
    await load(
      'ingest-during-reports',
      "POST /api/progress/events, 1 event, while 10 connections ask for the 10 cohorts' reports (each computed)",
      ingest(1),
    );
    const meanwhile = await reportsMeanwhile;
    log(
      `  (reports meanwhile: ${meanwhile.rps} req/s, p95 ${meanwhile.p95} ms, errors ${meanwhile.errors}, non-2xx ${meanwhile.non2xx})`,
    );
    await load('verify', 'GET /api/verify/:code over the issued certificates (limit raised by VERIFY_RATE_LIMIT)', {
      kind: 'rotate',
      paths: seed.certificateCodes.map((c) => `/api/verify/${c}`),
    });
    // A static page against the cheapest JSON route of the same server: the page's cost beyond routing.
    await load('health', 'GET /api/health (the cheapest JSON route, for comparison)', {
      kind: 'rotate',
      paths: ['/api/health'],
      headers: { 'accept-encoding': 'gzip, br' },
    });
    // Only with a built site (the PostgreSQL bench serves none: static files do not touch the database).
    if (fs.existsSync(path.join(opts.siteDir, MODULE_PAGE, 'index.html')))
      await load('module-page', `GET ${MODULE_PAGE} (static, from memory, precompressed)`, {
        kind: 'rotate',
        paths: [MODULE_PAGE],
        headers: { 'accept-encoding': 'gzip, br' },
      });
  }

  // Attempt start: each fresh learner starts one attempt per course (one open attempt per course is the rule).
  const courseIds = [...opts.catalog.courses.values()].filter((c) => c.course.assessment).map((c) => c.course.id);
  const starts: RequestSpec[] = courseIds.flatMap((course) =>
    fresh.map((e) => ({
      method: 'POST' as const,
      path: `/api/courses/${course}/attempts`,
      headers: { 'content-type': 'application/json', origin: url, cookie: cookies.get(e)! },
      body: JSON.stringify({ locale: 'uk' }),
    })),
  );
  await load(
    'attempt-start',
    `POST /api/courses/:id/attempts (draws questions; ${fresh.length} learners × ${courseIds.length} courses available)`,
    { kind: 'list', requests: starts },
    { amount: starts.length, warmup: 0 },
  );

  // Attempt submit: every attempt just started, answered (mostly right) by the learner who started it.
  const { ids, open } = await openAttempts(opts);
  const submits: RequestSpec[] = open.map((a) => {
    const pool = new Map(opts.catalog.courses.get(a.course_id)!.pool!.map((q) => [q.id, q]));
    const responses: Record<string, Answer> = {};
    for (const d of JSON.parse(a.questions) as StoredDraw[]) {
      const q = pool.get(d.id)!;
      // Under the attempt's public ids, as the learner received them (courses/attempt-ids.ts).
      responses[q.id] = maskResponse(q, d, Math.random() < 0.75 ? correctResponse(q) : wrongResponse(q));
    }
    return {
      method: 'POST',
      path: `/api/attempts/${a.id}/submit`,
      headers: { 'content-type': 'application/json', origin: url, cookie: cookies.get(ids.get(a.user_id)!)! },
      body: JSON.stringify({ responses, elapsed_ms: 600_000 }),
    };
  });
  // Every other scenario has a warm-up; a submit can be made once only, so the first tenth of them is
  // the warm-up (its own unmeasured run), and the rest are measured.
  const warm = Math.floor(submits.length / 10);
  if (warm)
    await runLoad(
      {
        url,
        connections: s.connections,
        duration: s.duration,
        warmup: 0,
        amount: warm,
        generator: { kind: 'list', requests: submits.slice(0, warm) },
      },
      work,
    );
  const measured = submits.slice(warm);
  if (measured.length)
    await load(
      'attempt-submit',
      `POST /api/attempts/:id/submit (scored on the server, every response stored; ${measured.length} open attempts after ${warm} unmeasured)`,
      { kind: 'list', requests: measured },
      { amount: measured.length, warmup: 0 },
    );

  return {
    ceiling,
    bare: bareResults,
    scenarios,
    memory: watch.current(),
    startRssMB,
    idleRssMB,
    logins,
    server,
    instructorCookie,
    stopMemory: () => {
      const m = watch.stop();
      return { peakRssMB: m.peakRssMB, hwmMB: m.hwmMB };
    },
  };
}

export const copyDb = (from: string, to: string) => {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.copyFileSync(from, to);
};
