/**
 * Reports off the event loop (issue #26, item 2): the worker thread answers exactly what the in-process
 * runner answers, over its own read-only connection; a busy, slow or crashed runner is a 503 with
 * Retry-After (never a 500); the event loop keeps turning while a report is computed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportCatalogOf, reportJobs } from '../../api/reports/jobs.ts';
import {
  databaseUnavailable,
  inProcessReportRunner,
  ReportUnavailable,
  type ReportJob,
} from '../../db/report-runner.ts';
import { workerReportRunner } from '../../db/report-worker.ts';
import { tempDir } from '../helpers/app.ts';
import { reportTestCohort } from '../helpers/cohort.ts';

const { t, now: NOW, instructor, cohort, jobs } = await reportTestCohort();

/** A worker entry that dies on its first job, or never answers. */
function fakeWorker(body: string) {
  const file = path.join(tempDir(), 'worker.mjs');
  fs.writeFileSync(file, `import { parentPort } from 'node:worker_threads';\n${body}\n`);
  return file;
}

describe('the report runner', () => {
  it('the server runs reports on a worker thread, answering as the in-process runner does', async () => {
    const worker = workerReportRunner({ file: t.dbFile, catalog: reportCatalogOf(t.deps.catalog) });
    const local = inProcessReportRunner(
      reportJobs({
        db: t.deps.storage.read,
        storage: t.deps.storage,
        catalog: t.deps.catalog,
        generation: () => t.deps.storage.changes.generation(),
      }),
    );
    try {
      for (const job of jobs) expect(await worker.run(job)).toEqual(await local.run(job));
      const full = JSON.parse((await worker.run(jobs[0]!)).text) as { learners: { email: string }[] };
      expect(full.learners.map((l) => l.email).sort()).toEqual(['anna@test.ua', 'bohdan@test.ua']);
      // A write by the server's connection is seen by the worker's on the next job (never a stale reuse).
      await t.request(`/api/cohorts/${cohort.id}/import`, {
        cookie: instructor.cookie,
        json: { confirm: true, csv: 'full_name,email\nВіра,vira@test.ua\n' },
      });
      const after = JSON.parse((await worker.run(jobs[0]!)).text) as { learner_count: number };
      expect(after.learner_count).toBe(3);
    } finally {
      await worker.close();
    }
  });

  it('the route answers through the runner, with the cohort and time in front', async () => {
    const res = await t.request(`/api/reports/cohorts/${cohort.id}?learners=none`, { cookie: instructor.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.cohort).toMatchObject({ id: cohort.id, name: 'Група' });
    expect(body.generated_at).toBe(NOW.toISOString());
    expect(body).not.toHaveProperty('learners');
    const csv = await t.request(`/api/reports/cohorts/${cohort.id}/grades.csv`, { cookie: instructor.cookie });
    expect(csv.status).toBe(200);
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString('utf8')).toMatch(/\r\n.*anna@test\.ua/s);
  });

  it('a worker that crashes fails its job with a clear reason, and the next job gets a new worker', async () => {
    const crashing = workerReportRunner({
      file: t.dbFile,
      catalog: reportCatalogOf(t.deps.catalog),
      workerFile: fakeWorker(`parentPort.on('message', () => { throw new Error('boom'); });`),
    });
    try {
      const err = await crashing.run(jobs[0]!).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReportUnavailable);
      expect((err as ReportUnavailable).reason).toBe('crashed');
      expect(((await crashing.run(jobs[0]!).catch((e: unknown) => e)) as ReportUnavailable).reason).toBe('crashed');
    } finally {
      await crashing.close();
    }
  });

  it('a job past its time is given up (its worker terminated), and a full queue refuses at once', async () => {
    const stuck = workerReportRunner({
      file: t.dbFile,
      catalog: reportCatalogOf(t.deps.catalog),
      timeoutMs: 300,
      maxQueued: 1,
      workerFile: fakeWorker(`parentPort.on('message', () => { for (;;) {} });`),
    });
    try {
      const first = stuck.run(jobs[0]!).catch((e: unknown) => e);
      const second = stuck.run(jobs[1]!).catch((e: unknown) => e);
      const third = await stuck.run(jobs[2]!).catch((e: unknown) => e);
      expect((third as ReportUnavailable).reason).toBe('busy');
      expect(((await first) as ReportUnavailable).reason).toBe('timeout');
      expect(((await second) as ReportUnavailable).reason).toBe('timeout');
    } finally {
      await stuck.close();
    }
  });

  it('the API answers 503 with Retry-After when the runner cannot, never 500', async () => {
    const real = t.deps.reports;
    t.deps.reports = workerReportRunner({
      file: t.dbFile,
      catalog: reportCatalogOf(t.deps.catalog),
      workerFile: fakeWorker(`parentPort.on('message', () => process.exit(3));`),
    });
    try {
      for (const p of ['', '/items', '/grades.csv', '/responses.csv']) {
        const res = await t.request(`/api/reports/cohorts/${cohort.id}${p}`, { cookie: instructor.cookie });
        expect(res.status, p).toBe(503);
        expect(res.headers.get('retry-after')).toBe('5');
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      }
    } finally {
      await t.deps.reports!.close();
      t.deps.reports = real;
    }
  });

  it('with two workers, two cohorts are computed side by side, and a cohort goes back to the worker that holds it', async () => {
    const dir = tempDir();
    // Each job marks its start, then waits (up to 3 s) until two jobs have started: answering 2 proves
    // the two ran at the same time. The answer names the thread that ran it.
    const pool = workerReportRunner({
      file: t.dbFile,
      catalog: reportCatalogOf(t.deps.catalog),
      workers: 2,
      workerFile: fakeWorker(
        `import fs from 'node:fs'; import { threadId } from 'node:worker_threads';
        const dir = ${JSON.stringify(dir)};
        parentPort.on('message', async (m) => {
          fs.writeFileSync(dir + '/' + m.id, '');
          const end = Date.now() + 3000;
          while (fs.readdirSync(dir).length < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
          parentPort.postMessage({ id: m.id, ok: true, result: { text: JSON.stringify({ seen: fs.readdirSync(dir).length, thread: threadId }) } });
        });`,
      ),
    });
    const job = (cohortId: number): ReportJob => ({ kind: 'cohort', cohortId, today: '2026-12-01', learners: 'all' });
    const answer = async (j: ReportJob) => JSON.parse((await pool.run(j)).text) as { seen: number; thread: number };
    try {
      const [a, b] = await Promise.all([answer(job(101)), answer(job(102))]);
      expect([a.seen, b.seen]).toEqual([2, 2]);
      expect(a.thread).not.toBe(b.thread);
      // One at a time now: each cohort goes back to its own worker, not to the first free one.
      expect((await answer(job(102))).thread).toBe(b.thread);
      expect((await answer(job(101))).thread).toBe(a.thread);
    } finally {
      await pool.close();
    }
  });

  it('a database that cannot answer is a 503 with Retry-After (worker or in process), a fault in the code stays an error', async () => {
    // PostgreSQL where nothing listens: the worker's connection is refused.
    const unreachable = workerReportRunner({
      postgres: { url: 'postgres://oberih@127.0.0.1:1/oberih', connectTimeoutMs: 2000 },
      catalog: reportCatalogOf(t.deps.catalog),
    });
    const real = t.deps.reports;
    t.deps.reports = unreachable;
    try {
      const err = await unreachable.run(jobs[0]!).catch((e: unknown) => e);
      expect((err as ReportUnavailable).reason).toBe('database');
      const res = await t.request(`/api/reports/cohorts/${cohort.id}`, { cookie: instructor.cookie });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await unreachable.close();
      t.deps.reports = real;
    }
    // In the process: a statement cancelled by its timeout (SQLSTATE 57014) is unavailability; a TypeError is not.
    const cancelled = Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' });
    expect(databaseUnavailable(cancelled)).toBe(true);
    expect(databaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    const local = inProcessReportRunner(() => Promise.reject(cancelled));
    expect(((await local.run(jobs[0]!).catch((e: unknown) => e)) as ReportUnavailable).reason).toBe('database');
    const buggy = inProcessReportRunner(() => Promise.reject(new TypeError('bug')));
    const bug = await buggy.run(jobs[0]!).catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError);
  });

  it('the event loop keeps turning while the worker computes', async () => {
    const slow = workerReportRunner({
      file: t.dbFile,
      catalog: reportCatalogOf(t.deps.catalog),
      workerFile: fakeWorker(
        `parentPort.on('message', (m) => { const end = Date.now() + 400; while (Date.now() < end) {} parentPort.postMessage({ id: m.id, ok: true, result: { text: 'done' } }); });`,
      ),
    });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      const r = await slow.run(jobs[0]!);
      clearInterval(timer);
      expect(r.text).toBe('done');
      // 400 ms of busy work elsewhere: the main thread's 10 ms timer kept firing meanwhile.
      expect(ticks).toBeGreaterThan(10);
    } finally {
      await slow.close();
    }
  });
});
