/**
 * Reports off the event loop on both engines (issue #26, item 2): the server's report runner is a
 * worker thread with its own connection, read-only to the SQLite file or one to PostgreSQL, and it
 * answers exactly what the in-process runner answers over the app's own connection.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { reportCatalogOf, reportJobs } from '../../api/reports/jobs.ts';
import { inProcessReportRunner } from '../../db/report-runner.ts';
import { workerReportRunner } from '../../db/report-worker.ts';
import { importLearners, reportTestCohort } from '../helpers/cohort.ts';
import { onPostgres } from '../helpers/engine.ts';

const { t, instructor, cohort, jobs } = await reportTestCohort();

const worker = workerReportRunner({
  ...(onPostgres ? { postgres: { url: t.databaseUrl! } } : { file: t.dbFile }),
  catalog: reportCatalogOf(t.deps.catalog),
});
afterAll(() => worker.close());

describe(`reports on a worker thread (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  it('answer every job exactly as the in-process runner does, and see what was written after they started', async () => {
    const local = inProcessReportRunner(
      reportJobs({
        db: t.deps.storage.read,
        storage: t.deps.storage,
        catalog: reportCatalogOf(t.deps.catalog),
        generation: () => t.deps.storage.changes.generation(),
      }),
    );
    for (const job of jobs) expect(await worker.run(job)).toEqual(await local.run(job));
    const before = JSON.parse((await worker.run(jobs[0]!)).text) as { learners: unknown[] };
    expect(before.learners).toHaveLength(2);
    // A third learner joins: the worker's reused report must not hide them.
    await importLearners(t, instructor.cookie, cohort.id, [['Ірина', 'iryna@test.ua']]);
    const after = JSON.parse((await worker.run(jobs[0]!)).text) as { learners: { email: string }[] };
    expect(after.learners.map((l) => l.email)).toContain('iryna@test.ua');
  });

  it('the API computes its reports on the worker (PostgreSQL: the worker’s own connection is seen by the server)', async () => {
    const res = await t.request(`/api/reports/cohorts/${cohort.id}`, { cookie: instructor.cookie });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { learners: unknown[] }).learners).toHaveLength(3);
    if (!onPostgres) return; // SQLite: tests/db/report-runner.test.ts checks the same on the file.
    const c = new pg.Client({ connectionString: t.databaseUrl! });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>(
        "select count(*) as n from pg_stat_activity where application_name = 'oberih-reports' and datname = current_database()",
      );
      expect(Number(r.rows[0]!.n)).toBeGreaterThanOrEqual(1);
    } finally {
      await c.end();
    }
  });
});
