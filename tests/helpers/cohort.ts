/** A cohort made through the API as an instructor would: created, a course assigned, learners imported. */
import { expect } from 'vitest';
import type { ReportJob } from '../../db/report-runner.ts';
import type { TestApp } from './app.ts';

export async function cohortThroughApi(
  t: Pick<TestApp, 'request'>,
  cookie: string,
  o: { name: string; unit: string; courseId: string; dueOn: string; learners: [fullName: string, email: string][] },
): Promise<{ id: number }> {
  const created = await t.request('/api/cohorts', { cookie, json: { name: o.name, unit: o.unit } });
  expect(created.status).toBe(201);
  const cohort = ((await created.json()) as { cohort: { id: number } }).cohort;
  const assigned = await t.request(`/api/cohorts/${cohort.id}/courses/${o.courseId}`, {
    method: 'PUT',
    cookie,
    json: { due_on: o.dueOn },
  });
  expect(assigned.status).toBeLessThan(300);
  await importLearners(t, cookie, cohort.id, o.learners);
  return cohort;
}

/** Import learners into a cohort (CSV through the API, confirmed). */
export async function importLearners(
  t: Pick<TestApp, 'request'>,
  cookie: string,
  cohortId: number,
  learners: [fullName: string, email: string][],
) {
  const csv = `full_name,email\n${learners.map(([n, e]) => `${n},${e}\n`).join('')}`;
  const res = await t.request(`/api/cohorts/${cohortId}/import`, { cookie, json: { confirm: true, csv } });
  expect(res.status).toBe(200);
}

/** The report tests' app: an instructor's cohort of two learners on the fixture course, and one job of each kind for it. */
export async function reportTestCohort() {
  const { fixtures, makeTestApp } = await import('./app.ts');
  const now = new Date('2026-12-01T12:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const instructor = await t.userWithSession('instructor');
  const course = fixtures().courses.get('fixture-course')!.course;
  const cohort = await cohortThroughApi(t, instructor.cookie, {
    name: 'Група',
    unit: 'ХНУВС',
    courseId: course.id,
    dueOn: '2026-11-20',
    learners: [
      ['Анна', 'anna@test.ua'],
      ['Богдан', 'bohdan@test.ua'],
    ],
  });
  const jobs: ReportJob[] = [
    { kind: 'cohort', cohortId: cohort.id, today: '2026-12-01', learners: 'all' },
    { kind: 'cohort', cohortId: cohort.id, today: '2026-12-01', learners: 'none' },
    { kind: 'items', cohortId: cohort.id },
    { kind: 'grades-csv', cohortId: cohort.id, today: '2026-12-01', locale: 'uk', delimiter: ';' },
    { kind: 'responses-csv', cohortId: cohort.id, locale: 'en', delimiter: ',', after: null },
  ];
  return { t, now, instructor, cohort, jobs };
}
