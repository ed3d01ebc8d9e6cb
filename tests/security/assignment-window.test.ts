/**
 * An instructor who assigns a course to their cohort after the fact does not gain sight of what a
 * shared learner did in that course under another instructor (found by a hostile review; ASVS 5.0 8.2.2).
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';

describe('records from before a course was assigned stay out of the cohort', async () => {
  const t = await makeTestApp();
  const learner = await t.userWithSession('cadet');
  const a = await t.userWithSession('instructor');
  const b = await t.userWithSession('instructor');
  const cohort = async (cookie: string, name: string) =>
    (await (await t.request('/api/cohorts', { cookie, json: { name, unit: 'ЛьвДУВС' } })).json()).cohort.id as number;
  const cohortA = await cohort(a.cookie, 'Група А');
  const cohortB = await cohort(b.cookie, 'Група Б');
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  await t.deps.db
    .insertInto('cohort_members')
    .values([
      { cohort_id: cohortA, user_id: learner.user.id, joined_at: monthAgo },
      { cohort_id: cohortB, user_id: learner.user.id, joined_at: monthAgo },
    ])
    .execute();
  const assign = (cookie: string, id: number) =>
    t.request(`/api/cohorts/${id}/courses/fixture-course`, { method: 'PUT', cookie, json: { due_on: null } });

  it("instructor A cannot read the attempt made under B's assignment by assigning the course afterwards", async () => {
    expect((await assign(b.cookie, cohortB)).status).toBe(200);
    const started = await t.request('/api/courses/fixture-course/attempts', {
      cookie: learner.cookie,
      json: { locale: 'uk' },
    });
    const attempt = (await started.json()).attempt as { id: string };
    expect(
      (await t.request(`/api/attempts/${attempt.id}/submit`, { cookie: learner.cookie, json: { responses: {} } }))
        .status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 5)); // the assignment below is strictly later
    expect((await assign(a.cookie, cohortA)).status).toBe(200);

    expect((await t.request(`/api/attempts/${attempt.id}`, { cookie: b.cookie })).status).toBe(200);
    expect((await t.request(`/api/attempts/${attempt.id}`, { cookie: a.cookie })).status).toBe(403);
    const csvA = await (await t.request(`/api/reports/cohorts/${cohortA}/responses.csv`, { cookie: a.cookie })).text();
    const csvB = await (await t.request(`/api/reports/cohorts/${cohortB}/responses.csv`, { cookie: b.cookie })).text();
    expect(csvB.trim().split('\n').length).toBeGreaterThan(1);
    expect(csvA.trim().split('\n')).toHaveLength(1);
    const detail = await (
      await t.request(`/api/reports/cohorts/${cohortA}/learners/${learner.user.id}`, { cookie: a.cookie })
    ).json();
    expect(JSON.stringify(detail)).not.toContain(attempt.id);
  });
});
