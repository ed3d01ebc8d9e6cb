/**
 * Access control proof, own vs other's resources: every route that names a learner's or a cohort's
 * resource, asked by its owner, another learner, the cohort's instructor, another instructor and an
 * admin. (tests/api/rbac.test.ts covers every route × every role; this covers whose resource it is.)
 */
import { describe, expect, it } from 'vitest';
import { rightAnswers } from '../helpers/answers.ts';
import { fixtures, makeTestApp } from '../helpers/app.ts';
import { studyEvents } from '../helpers/study.ts';

/**
 * `laterInstructor` owns cohort C, which the owner joined (through an admin) only after doing all their
 * work in cohort A: the learner of another instructor's cohort. C's instructor may see the learner in
 * C's reports, but none of the records made before the learner joined C.
 */
type Actor = 'owner' | 'otherLearner' | 'cohortInstructor' | 'otherInstructor' | 'laterInstructor' | 'admin';

describe('own vs other resources', async () => {
  const t = await makeTestApp();
  const pool = new Map(
    fixtures()
      .courses.get('fixture-course')!
      .pool!.map((q) => [q.id, q]),
  );
  const owner = await t.userWithSession('cadet');
  const otherLearner = await t.userWithSession('cadet');
  const cohortInstructor = await t.userWithSession('instructor');
  const otherInstructor = await t.userWithSession('instructor');
  const laterInstructor = await t.userWithSession('instructor');
  const admin = await t.userWithSession('admin');
  const cookies: Record<Actor, string> = {
    laterInstructor: laterInstructor.cookie,
    owner: owner.cookie,
    otherLearner: otherLearner.cookie,
    cohortInstructor: cohortInstructor.cookie,
    otherInstructor: otherInstructor.cookie,
    admin: admin.cookie,
  };

  // Two cohorts: the owner is in cohort A (cohortInstructor's); otherLearner in cohort B (otherInstructor's).
  const mk = async (cookie: string, name: string) =>
    (await (await t.request('/api/cohorts', { cookie, json: { name, unit: 'ЛьвДУВС' } })).json()).cohort.id as number;
  const cohortA = await mk(cohortInstructor.cookie, 'Група А');
  const cohortB = await mk(otherInstructor.cookie, 'Група Б');
  // Joined a month ago: the study history below comes after joining.
  const now = new Date(Date.now() - 30 * 86_400_000).toISOString();
  await t.deps.db
    .insertInto('cohort_members')
    .values([
      { cohort_id: cohortA, user_id: owner.user.id, joined_at: now },
      { cohort_id: cohortB, user_id: otherLearner.user.id, joined_at: now },
    ])
    .execute();
  await t.deps.db
    .insertInto('cohort_courses')
    .values({ cohort_id: cohortA, course_id: 'fixture-course', due_on: null })
    .execute();

  // The owner completes the course: a submitted attempt and a certificate; plus an open attempt for submit checks.
  const events = studyEvents(fixtures().courses.get('fixture-course')!, { end: new Date(Date.now() - 60_000) });
  await t.request('/api/progress/events', { cookie: owner.cookie, json: { events } });
  const { attempt: done } = await (
    await t.request('/api/courses/fixture-course/attempts', { cookie: owner.cookie, json: {} })
  ).json();
  await t.request(`/api/attempts/${done.id}/submit`, {
    cookie: owner.cookie,
    json: {
      responses: rightAnswers(pool, done.questions),
    },
  });
  const { attempt: open } = await (
    await t.request('/api/courses/fixture-course/attempts', { cookie: owner.cookie, json: {} })
  ).json();
  const cert = await t.deps.db
    .selectFrom('certificates')
    .select('code')
    .where('user_id', '=', owner.user.id)
    .executeTakeFirstOrThrow();
  const cohortC = await mk(laterInstructor.cookie, 'Група В');
  await t.request(`/api/cohorts/${cohortC}/courses/fixture-course`, {
    method: 'PUT',
    cookie: laterInstructor.cookie,
    json: {},
  });
  await new Promise((r) => setTimeout(r, 5)); // joined strictly after every record above was made
  await t.deps.db
    .insertInto('cohort_members')
    .values({ cohort_id: cohortC, user_id: owner.user.id, joined_at: new Date().toISOString() })
    .execute();

  const ALL: Actor[] = ['owner', 'otherLearner', 'cohortInstructor', 'otherInstructor', 'laterInstructor', 'admin'];
  const table: { route: string; method?: string; body?: unknown; allowed: Actor[] }[] = [
    { route: `/api/attempts/${done.id}`, allowed: ['owner', 'cohortInstructor', 'admin'] },
    { route: `/api/certificates/${cert.code}.pdf`, allowed: ['owner', 'cohortInstructor', 'admin'] },
    { route: `/api/cohorts/${cohortA}`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/cohorts/${cohortA}/members`, allowed: ['cohortInstructor', 'admin'] },
    {
      route: `/api/cohorts/${cohortA}`,
      method: 'PATCH',
      body: { name: 'Група А (змінено)' },
      allowed: ['cohortInstructor', 'admin'],
    },
    { route: `/api/cohorts/${cohortA}/codes`, method: 'POST', body: {}, allowed: ['cohortInstructor', 'admin'] },
    {
      route: `/api/cohorts/${cohortA}/import`,
      method: 'POST',
      body: { csv: 'full_name,email\nОлег Тест,oleg@test.ua\n' },
      allowed: ['cohortInstructor', 'admin'],
    },
    { route: `/api/cohorts/${cohortA}/certificates.csv`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortA}`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortA}/learners/${owner.user.id}`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortA}/items`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortA}/grades.csv`, allowed: ['cohortInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortA}/responses.csv`, allowed: ['cohortInstructor', 'admin'] },
    // Asking for cohort A's learner through cohort B (owned by the other instructor) must not work either.
    { route: `/api/reports/cohorts/${cohortB}/learners/${owner.user.id}`, allowed: [] },
    { route: `/api/attempts/${open.id}/answers`, method: 'PUT', body: { answers: {} }, allowed: ['owner'] },
    { route: `/api/attempts/${open.id}/submit`, method: 'POST', body: { responses: {} }, allowed: ['owner'] },
    // Cohort C's reports are its instructor's; what they show of the owner is checked below.
    { route: `/api/reports/cohorts/${cohortC}/learners/${owner.user.id}`, allowed: ['laterInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortC}/items`, allowed: ['laterInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortC}/responses.csv`, allowed: ['laterInstructor', 'admin'] },
    { route: `/api/reports/cohorts/${cohortC}/grades.csv`, allowed: ['laterInstructor', 'admin'] },
    { route: `/api/cohorts/${cohortC}/certificates.csv`, allowed: ['laterInstructor', 'admin'] },
    { route: `/api/me/invitations`, allowed: ALL },
    { route: `/api/cohorts/${cohortA}/restore`, method: 'POST', body: {}, allowed: [] },
  ];

  for (const row of table) {
    for (const actor of ALL) {
      const allowed = row.allowed.includes(actor);
      it(`${row.method ?? 'GET'} ${row.route.replace(/[0-9a-f-]{36}|[0-9A-Z]{4}(-[0-9A-Z]{4}){7}/g, ':id')} as ${actor}: ${allowed ? 'allowed' : 'refused'}`, async () => {
        // The submit row changes state: the owner goes last (refusals first).
        if (row.route.endsWith('/submit') && actor === 'owner')
          for (const other of ALL.filter((a) => a !== 'owner'))
            expect(
              (await t.request(row.route, { method: 'POST', cookie: cookies[other], json: row.body })).status,
            ).toBe(403);
        const res = await t.request(row.route, {
          method: row.method ?? 'GET',
          cookie: cookies[actor],
          ...(row.body !== undefined ? { json: row.body } : {}),
        });
        if (allowed) expect(res.status, await res.clone().text()).toBeLessThan(300);
        else expect([403, 404], `${actor} got ${res.status}`).toContain(res.status);
      });
    }
  }

  it("the learner's later cohort shows none of the work done before they joined it", async () => {
    const seen = [
      await (
        await t.request(`/api/reports/cohorts/${cohortC}/learners/${owner.user.id}`, { cookie: laterInstructor.cookie })
      ).text(),
      await (await t.request(`/api/reports/cohorts/${cohortC}/items`, { cookie: laterInstructor.cookie })).text(),
      await (
        await t.request(`/api/reports/cohorts/${cohortC}/responses.csv`, { cookie: laterInstructor.cookie })
      ).text(),
      await (await t.request(`/api/reports/cohorts/${cohortC}`, { cookie: laterInstructor.cookie })).text(),
      await (await t.request(`/api/reports/cohorts/${cohortC}/grades.csv`, { cookie: laterInstructor.cookie })).text(),
      await (await t.request(`/api/cohorts/${cohortC}/certificates.csv`, { cookie: laterInstructor.cookie })).text(),
    ].join('\n');
    expect(seen).not.toContain(done.id);
    expect(seen).not.toContain(cert.code);
    // The same reports of cohort A show them to its instructor.
    const home = await (
      await t.request(`/api/reports/cohorts/${cohortA}/learners/${owner.user.id}`, { cookie: cohortInstructor.cookie })
    ).text();
    expect(home).toContain(done.id);
    expect(home).toContain(cert.code);
    const homeCsv = await (
      await t.request(`/api/cohorts/${cohortA}/certificates.csv`, { cookie: cohortInstructor.cookie })
    ).text();
    expect(homeCsv).toContain(cert.code);
  });

  it("a learner's own lists never contain another learner's records", async () => {
    const mine = JSON.stringify(await (await t.request('/api/me/progress', { cookie: otherLearner.cookie })).json());
    expect(mine).not.toContain('own-words-completed');
    expect(mine).not.toContain(cert.code);
    const certs = JSON.stringify(
      await (await t.request('/api/me/certificates', { cookie: otherLearner.cookie })).json(),
    );
    expect(certs).not.toContain(cert.code);
  });
});
