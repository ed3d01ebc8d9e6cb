/** Issue #18, item 2: the review of a graded final never hands out the key while attempts remain. */
import { describe, expect, it } from 'vitest';
import type { PublicQuestion } from '../../courses/assessment.ts';
import { rightAnswers } from '../helpers/answers.ts';
import { fixtures, makeTestApp } from '../helpers/app.ts';

const pool = new Map(
  fixtures()
    .courses.get('fixture-course')!
    .pool!.map((q) => [q.id, q]),
);

describe('review policy after-final (fixture course: 3 attempts, pass mark 75)', async () => {
  const t = await makeTestApp({ now: () => new Date('2026-11-29T10:00:00Z') });
  const start = async (cookie: string) =>
    (await (await t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale: 'uk' } })).json())
      .attempt as { id: string; questions: PublicQuestion[] };
  const submit = async (cookie: string, id: string, responses: Record<string, unknown>) =>
    t.request(`/api/attempts/${id}/submit`, { cookie, json: { responses } });

  it('a failed attempt with attempts left: score and per-module counts only, also when read back later', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    // Right on the first two questions only.
    const right = rightAnswers(pool, a.questions.slice(0, 2));
    const res = await submit(cookie, a.id, right);
    const text = await res.text();
    expect(text).not.toContain('correct_response');
    expect(text).not.toContain('explanation');
    const { attempt } = JSON.parse(text);
    expect(attempt).toMatchObject({ passed: false, attempts_left: 2 });
    expect(attempt.review).toBeUndefined();
    const byModule = new Map<string, number>();
    for (const q of a.questions.slice(0, 2))
      byModule.set(pool.get(q.id)!.module, (byModule.get(pool.get(q.id)!.module) ?? 0) + 1);
    for (const m of attempt.modules) expect(m.right).toBe(byModule.get(m.module) ?? 0);
    expect(attempt.modules.reduce((s: number, m: { total: number }) => s + m.total, 0)).toBe(8);
    const again = await (await t.request(`/api/attempts/${a.id}`, { cookie })).text();
    expect(again).not.toContain('correct_response');

    // Staff keep everything: the owner instructor of the learner's cohort sees the key.
    const instructor = await t.userWithSession('instructor');
    const cohort = (
      await (
        await t.request('/api/cohorts', { cookie: instructor.cookie, json: { name: 'Група', unit: 'ХНУВС' } })
      ).json()
    ).cohort.id as number;
    await t.deps.db
      .insertInto('cohort_members')
      .values({ cohort_id: cohort, user_id: user.id, joined_at: '2026-01-01T00:00:00.000Z' })
      .execute();
    // An instructor sees a learner's attempts in the courses assigned to their cohort (api/access.ts).
    await t.deps.db
      .insertInto('cohort_courses')
      .values({ cohort_id: cohort, course_id: 'fixture-course', due_on: null })
      .execute();
    const staff = await (await t.request(`/api/attempts/${a.id}`, { cookie: instructor.cookie })).json();
    expect(staff.attempt.review).toHaveLength(8);
    expect(staff.attempt.review[0].correct_response).toBeDefined();

    // Out of attempts: the review (with the answers) opens, for every attempt.
    for (let i = 0; i < 2; i++) {
      const next = await start(cookie);
      const r = (await (await submit(cookie, next.id, {})).json()).attempt;
      if (i === 0) expect(r.review).toBeUndefined();
      else expect(r.review).toHaveLength(8);
    }
    const first = await (await t.request(`/api/attempts/${a.id}`, { cookie })).json();
    expect(first.attempt.review).toHaveLength(8);
  });

  it('a pass shows the review with the answers at once, under the attempt’s ids', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    const responses = rightAnswers(pool, a.questions);
    const { attempt } = await (await submit(cookie, a.id, responses)).json();
    expect(attempt.passed).toBe(true);
    expect(attempt.review).toHaveLength(8);
    for (const item of attempt.review) expect(item.correct_response).toEqual(responses[item.question.id]);
  });
});
