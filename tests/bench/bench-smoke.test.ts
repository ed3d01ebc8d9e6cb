/**
 * The benchmark's machinery, on a tiny scale: the seed writes exactly what it reports, the bare
 * server and the load generator (its own process) really write one row per request, and the report
 * has its shape. No timing is asserted: timings belong to `npm run bench`, not to unit tests.
 */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { normaliseCode } from '../../courses/certificate.ts';
import { INGEST_COURSE } from '../../bench/api.ts';
import { runLoad, startProcess, tsxArgs } from '../../bench/proc.ts';
import { checkTargets, markdown, type Results } from '../../bench/report.ts';
import { seedScale } from '../../bench/seed-scale.ts';
import type { ScenarioResult } from '../../bench/types.ts';
import { tempDir } from '../helpers/app.ts';

const dir = tempDir('oberih-bench-smoke-');
const dbFile = path.join(dir, 'data', 'oberih.sqlite');
const catalog = loadCatalog(contentFsFrom(fs), 'content');
const count = (table: string, where = '') => {
  const db = new SQLite(dbFile, { readonly: true });
  try {
    return (db.prepare(`select count(*) as n from ${table} ${where}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('npm run bench, in miniature', async () => {
  const seed = await seedScale({
    dbFile,
    dataDir: path.join(dir, 'data'),
    catalog,
    password: 'smoke-password-2026',
    learners: 60,
    events: 1_500,
    attempts: 150,
    cohortSize: 40,
    fresh: 10,
  });

  it('seeds exactly what it reports: learners, cohorts, events, attempts with responses, certificates', () => {
    expect(seed.counts.learners).toBe(60);
    expect(seed.counts.users).toBe(63);
    expect(seed.counts.reportCohortLearners).toBe(40);
    expect(seed.counts.progressEvents).toBeGreaterThanOrEqual(1_500);
    expect(seed.counts.attempts).toBe(150);
    expect(count('attempts', 'where submitted_at is null')).toBe(0);
    expect(count('attempt_responses')).toBe(seed.counts.attemptResponses);
    expect(count('cohort_courses', `where cohort_id = ${seed.reportCohortId}`)).toBe(3);
    expect(seed.freshEmails).toHaveLength(10);
    // Fresh learners have no attempts: they are kept for the attempt scenarios.
    expect(
      count(
        'attempts',
        `where user_id in (select id from users where email in (${seed.freshEmails.map((e) => `'${e}'`).join(',')}))`,
      ),
    ).toBe(0);
    expect(seed.certificateCodes.length).toBe(seed.counts.certificates);
    expect(seed.certificateCodes.length).toBeGreaterThan(0);
    for (const code of seed.certificateCodes) expect(normaliseCode(code)).toBe(code);
  });

  it('the load generator drives the bare server from its own process, one stored row per request, and the report has its shape', async () => {
    const server = await startProcess(
      tsxArgs('bench/bare-server.ts'),
      { DB_FILE: dbFile, USER_ID: '4', DB_SYNCHRONOUS: 'FULL', GROUP_COMMIT_MS: '2' },
      /listening on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    afterAll(() => server.stop());
    const before = count('progress_events');
    const r = await runLoad(
      {
        url: server.url,
        connections: 4,
        duration: 1,
        warmup: 0,
        generator: {
          kind: 'progress',
          path: '/events',
          batch: 1,
          cookies: [''],
          course: INGEST_COURSE,
          modules: ['forms-of-abuse', 'the-law'],
        },
      },
      dir,
    );
    await server.stop();
    expect(r.requests).toBeGreaterThan(0);
    expect(r.statuses).toEqual({ 200: r.requests });
    expect(r.errors + r.timeouts + r.non2xx).toBe(0);
    expect(r.p50).toBeLessThanOrEqual(r.p95);
    expect(r.p95).toBeLessThanOrEqual(r.p99);
    expect(r.p99).toBeLessThanOrEqual(r.max);
    // Every request carried a new event id, so every one was a real insert (plus at most one request
    // per connection still in flight when the run stopped, answered after the count).
    const inserted = count('progress_events') - before;
    expect(inserted).toBeGreaterThanOrEqual(r.requests);
    expect(inserted).toBeLessThanOrEqual(r.requests + 4);

    const scenario = (name: string, extra: Partial<ScenarioResult> = {}): ScenarioResult => ({
      name,
      what: name,
      ratioToCeiling: 1,
      ...r,
      ...extra,
    });
    const build = { seconds: 1, peakTreeRssMB: 500, maxProcessHwmMB: 400, ok: true };
    const partial: Omit<Results, 'targets'> = {
      generatedAt: new Date().toISOString(),
      quick: true,
      totalSeconds: 1,
      machine: { nproc: 2, cpu: 'test', memoryGB: 1, node: process.version, loadAverageAtStart: [0, 0, 0], free: '' },
      settings: {
        duration: 1,
        rounds: 1,
        roundSeconds: 1,
        warmup: 0,
        connections: 50,
        groupCommitMs: 2,
        server: 'node scripts/start.mjs',
      },
      seed: { seconds: 1, counts: seed.counts },
      ceilingRps: r.rps,
      bare: [
        scenario('bare-normal'),
        scenario('bare-full', { ratioToCeiling: 0.3 }),
        scenario('bare-full-group', { ratioToCeiling: 0.9 }),
      ],
      scenarios: [scenario('ingest-1', { connections: 50 }), scenario('cohort-report-1'), scenario('attempt-submit')],
      logins: { count: 1, seconds: 1 },
      serverMemory: { peakRssMB: 200, hwmMB: 200, startRssMB: 140, idleRssMB: 150 },
      pages: {
        pages: 1,
        modulePages: 1,
        totals: { diskMB: 1, htmlGzipKB: 1, jsFiles: 1, jsGzipKB: 1 },
        averageModulePage: { html: 1, js: 1 },
        largestModule: null,
        selected: [],
        heaviest: [],
      },
      lighthouse: null,
      build,
      scorm: { ...build, packages: [] },
      scaling: [{ ...build, factor: 10, modules: 160, courses: 30, pages: 500 }],
    };
    const targets = checkTargets(partial);
    expect(targets.map((t) => t.target)).toEqual(
      expect.arrayContaining([
        'group commit: bare FULL + group commit ≥ 0.8 × the NORMAL ceiling',
        'attempt submit p99 < 100 ms',
        'server RSS < 250 MB under the benchmark load',
        'full build + SCORM export peak < 2 GB',
      ]),
    );
    expect(targets.find((t) => t.target.startsWith('group commit'))!.met).toBe(true);
    expect(targets.find((t) => t.target.startsWith('no errors'))!.met).toBe(true);
    const md = markdown({ ...partial, targets });
    expect(md).toContain('| scenario | req/s |');
    expect(md).toMatch(/^\| bare-full-group /m);
    expect(md).toContain('## Targets');
    expect(md).toContain('build at 10×');
  });
});
