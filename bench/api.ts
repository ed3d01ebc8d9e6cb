/**
 * The API under load: the bare ceiling (FULL and NORMAL, with and without group commit), then the
 * real server (`api/start.ts`, synchronous=FULL, group commit) on the seeded database, every scenario
 * driven by autocannon from its own process, with the server's memory sampled throughout.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { Catalog } from '../courses/catalog.ts';
import type { StoredDraw } from '../db/repos/attempts.ts';
import type { Response as Answer } from '../courses/schema/question.ts';
import { correctResponse } from '../courses/scoring.ts';
import { memoryWatch, runLoad, startProcess, tsxArgs, type Running } from './proc.ts';
import { wrongResponse, type ScaleResult } from './seed-scale.ts';
import type { Generator, LoadResult, RequestSpec, ScenarioResult } from './types.ts';

export interface LoadSettings {
  duration: number;
  warmup: number;
  connections: number;
  /** Learners signed in for ingestion and `GET /api/me/progress`. */
  sessions: number;
  /** Learners signed in to start attempts (each may start one per course). */
  attemptLearners: number;
}

export const INGEST_COURSE = 'initial-online-abuse';
export const MODULE_PAGE = '/uk/courses/initial-online-abuse/first-response/';

/** Sign in through the real login route (CSRF: our own Origin) and keep the session cookie. */
export async function login(url: string, email: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: url }, body: JSON.stringify({ email, password }) });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oberih_session='));
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
  ...(batch > 1 || name.startsWith('ingest') || name.startsWith('bare') ? { eventsPerSecond: Math.round(r.rps * batch) } : {}),
});

/** The bare endpoint in three configurations; the first (NORMAL, one transaction per insert) is the ceiling. */
export async function bareCeiling(dbCopy: string, userId: number, s: LoadSettings, work: string, log: (m: string) => void) {
  const configs = [
    { name: 'bare-normal', what: 'bare Hono + better-sqlite3 insert, synchronous=NORMAL, one transaction per insert (the ceiling)', env: { DB_SYNCHRONOUS: 'NORMAL' } },
    { name: 'bare-full', what: 'bare insert, synchronous=FULL, one transaction (one fsync) per insert', env: { DB_SYNCHRONOUS: 'FULL' } },
    { name: 'bare-full-group', what: 'bare insert, synchronous=FULL, group commit (db/group-commit.ts, 2 ms window)', env: { DB_SYNCHRONOUS: 'FULL', GROUP_COMMIT_MS: '2' } },
  ];
  const results: ScenarioResult[] = [];
  let ceiling = 0;
  for (const c of configs) {
    const server = await startProcess(tsxArgs('bench/bare-server.ts'), { DB_FILE: dbCopy, USER_ID: String(userId), ...c.env }, /listening on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const r = await runLoad({ url: server.url, connections: s.connections, duration: s.duration, warmup: s.warmup, generator: { kind: 'progress', path: '/events', batch: 1, cookies: [''], course: INGEST_COURSE, modules: ['forms-of-abuse', 'the-law', 'first-response'] } }, work);
      if (!ceiling) ceiling = r.rps;
      results.push(withRatio(c.name, c.what, r, ceiling));
      log(`  ${c.name}: ${r.rps} req/s, p99 ${r.p99} ms`);
    } finally {
      await server.stop();
    }
  }
  return { ceiling, results };
}

export interface FullStackResult {
  scenarios: ScenarioResult[];
  memory: { peakRssMB: number; hwmMB: number };
  logins: { count: number; seconds: number };
  server: Running;
  instructorCookie: string;
  stopMemory: () => { peakRssMB: number; hwmMB: number };
}

/** Start the real server on the seeded database and run every scenario against it. The caller stops it. */
export async function fullStack(opts: { dataDir: string; dbFile: string; siteDir: string; seed: ScaleResult; password: string; catalog: Catalog; ceiling: number; settings: LoadSettings; work: string; log: (m: string) => void }): Promise<FullStackResult> {
  const { settings: s, seed, work, log, ceiling } = opts;
  const server = await startProcess(
    tsxArgs('api/start.ts'),
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: opts.dataDir, DB_FILE: opts.dbFile, SITE_DIR: opts.siteDir, CONTENT_DIR: 'content', SKIP_BUILD: '1', LOG_LEVEL: 'silent', NODE_ENV: 'production', DB_SYNCHRONOUS: 'FULL', VERIFY_RATE_LIMIT: '100000000' },
    /Oberih is running: (http:\/\/localhost:\d+)\//,
  );
  const watch = memoryWatch(server.proc.pid!, 200);
  const url = server.url;
  const scenarios: ScenarioResult[] = [];
  const load = async (name: string, what: string, generator: Generator, extra: { connections?: number; amount?: number; warmup?: number; batch?: number } = {}) => {
    watch.mark();
    const r = await runLoad({ url, connections: extra.connections ?? s.connections, duration: s.duration, warmup: extra.warmup ?? s.warmup, amount: extra.amount, generator }, work);
    const sr = { ...withRatio(name, what, r, ceiling, extra.batch ?? 1), serverRssMB: watch.mark() };
    scenarios.push(sr);
    log(`  ${name}: ${r.rps} req/s, p50 ${r.p50} ms, p95 ${r.p95} ms, p99 ${r.p99} ms, errors ${r.errors}, non-2xx ${r.non2xx}, server RSS ≤ ${sr.serverRssMB} MB`);
    return sr;
  };

  const t0 = performance.now();
  const learners = seed.activeEmails.slice(0, s.sessions);
  const fresh = seed.freshEmails.slice(0, s.attemptLearners);
  const cookies = await loginAll(url, [seed.instructorEmail, ...learners, ...fresh], opts.password);
  const logins = { count: cookies.size, seconds: Math.round((performance.now() - t0) / 100) / 10 };
  log(`  signed in ${logins.count} accounts in ${logins.seconds} s`);
  const learnerCookies = learners.map((e) => cookies.get(e)!);
  const instructorCookie = cookies.get(seed.instructorEmail)!;
  const modules = opts.catalog.courses.get(INGEST_COURSE)!.course.modules;

  const ingest = (batch: number): Generator => ({ kind: 'progress', path: '/api/progress/events', batch, cookies: learnerCookies, course: INGEST_COURSE, modules });
  await load('ingest-1', 'POST /api/progress/events, 1 event per request (FULL + group commit)', ingest(1));
  await load('ingest-20', 'POST /api/progress/events, 20 events per request', ingest(20), { batch: 20 });
  await load('me-progress', 'GET /api/me/progress (learners with ~40 events and attempts in 3 courses)', { kind: 'rotate', paths: ['/api/me/progress'], cookies: learnerCookies });
  const report = `/api/reports/cohorts/${seed.reportCohortId}`;
  await load('cohort-report-1', `GET ${report} (${seed.counts.reportCohortLearners} learners × 3 courses), 1 connection`, { kind: 'rotate', paths: [report], cookies: [instructorCookie] }, { connections: 1 });
  await load('cohort-report-10', `GET ${report}, 10 connections (ten instructors at once)`, { kind: 'rotate', paths: [report], cookies: [instructorCookie] }, { connections: 10 });
  await load('verify', 'GET /api/verify/:code over the issued certificates (limit raised by VERIFY_RATE_LIMIT)', { kind: 'rotate', paths: seed.certificateCodes.map((c) => `/api/verify/${c}`) });
  await load('module-page', `GET ${MODULE_PAGE} (static, gzip)`, { kind: 'rotate', paths: [MODULE_PAGE], headers: { 'accept-encoding': 'gzip, br' } });

  // Attempt start: each fresh learner starts one attempt per course (one open attempt per course is the rule).
  const courseIds = [...opts.catalog.courses.values()].filter((c) => c.course.assessment).map((c) => c.course.id);
  const starts: RequestSpec[] = courseIds.flatMap((course) => fresh.map((e) => ({ method: 'POST' as const, path: `/api/courses/${course}/attempts`, headers: { 'content-type': 'application/json', origin: url, cookie: cookies.get(e)! }, body: JSON.stringify({ locale: 'uk' }) })));
  await load('attempt-start', `POST /api/courses/:id/attempts (draws questions; ${fresh.length} learners × ${courseIds.length} courses available)`, { kind: 'list', requests: starts }, { amount: starts.length, warmup: 0 });

  // Attempt submit: every attempt just started, answered (mostly right) by the learner who started it.
  const db = new SQLite(opts.dbFile, { readonly: true });
  const ids = new Map(db.prepare('select id, email from users').all().map((r) => [(r as { id: number }).id, (r as { email: string }).email]));
  const open = db.prepare('select id, user_id, course_id, questions from attempts where submitted_at is null').all() as { id: string; user_id: number; course_id: string; questions: string }[];
  db.close();
  const submits: RequestSpec[] = open.map((a) => {
    const pool = new Map(opts.catalog.courses.get(a.course_id)!.pool!.map((q) => [q.id, q]));
    const responses: Record<string, Answer> = {};
    for (const d of JSON.parse(a.questions) as StoredDraw[]) {
      const q = pool.get(d.id)!;
      responses[q.id] = Math.random() < 0.75 ? correctResponse(q) : wrongResponse(q);
    }
    return { method: 'POST', path: `/api/attempts/${a.id}/submit`, headers: { 'content-type': 'application/json', origin: url, cookie: cookies.get(ids.get(a.user_id)!)! }, body: JSON.stringify({ responses, elapsed_ms: 600_000 }) };
  });
  if (submits.length) await load('attempt-submit', `POST /api/attempts/:id/submit (scored on the server, every response stored; ${submits.length} open attempts)`, { kind: 'list', requests: submits }, { amount: submits.length, warmup: 0 });

  return {
    scenarios,
    memory: watch.current(),
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
