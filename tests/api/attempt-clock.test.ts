/**
 * Issue #18, item 4: the server's clock. Answers are saved as the learner goes; at the deadline the
 * attempt is scored from what the server holds; a later (offline) finish waits for the instructor.
 */
import { describe, expect, it } from 'vitest';
import type { PublicQuestion } from '../../courses/assessment.ts';
import { rightAnswers } from '../helpers/answers.ts';
import { fixtures, makeTestApp, type TestApp } from '../helpers/app.ts';

const pool = new Map(
  fixtures()
    .courses.get('fixture-course')!
    .pool!.map((q) => [q.id, q]),
);
const T0 = Date.parse('2026-11-29T10:00:00Z');
const min = 60_000;

async function cohortOf(t: TestApp, learnerId: number) {
  const instructor = await t.userWithSession('instructor');
  const res = await t.request('/api/cohorts', { cookie: instructor.cookie, json: { name: 'Група', unit: 'ДДУВС' } });
  const cohort = (await res.json()).cohort.id as number;
  await t.deps.db
    .insertInto('cohort_members')
    .values({ cohort_id: cohort, user_id: learnerId, joined_at: new Date(T0 - 86_400_000).toISOString() })
    .execute();
  // An instructor sees a learner's attempts in the courses assigned to their cohort (api/access.ts).
  await t.deps.db
    .insertInto('cohort_courses')
    .values({ cohort_id: cohort, course_id: 'fixture-course', due_on: null })
    .execute();
  return instructor;
}

describe('server-side clock (fixture course: 20 minutes)', async () => {
  let now = T0;
  const t = await makeTestApp({ now: () => new Date(now) });
  const start = async (cookie: string) => {
    now = T0;
    return (await (await t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale: 'uk' } })).json())
      .attempt as { id: string; questions: PublicQuestion[] };
  };
  const put = (cookie: string, id: string, answers: Record<string, unknown>) =>
    t.request(`/api/attempts/${id}/answers`, { method: 'PUT', cookie, json: { answers } });

  it('saves answers: idempotent, last write wins per question, null clears, resumable from any device', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    const right = rightAnswers(pool, a.questions);
    const single = a.questions.find((q) => q.type === 'single')!;
    const [q1, q2] = a.questions.filter((q) => q.id !== single.id);
    const wrong = single.options!.find((o) => o.id !== right[single.id])!.id;
    expect((await put(cookie, a.id, { [single.id]: wrong, [q1!.id]: right[q1!.id] })).status).toBe(200);
    expect((await put(cookie, a.id, { [single.id]: wrong })).status).toBe(200);
    now = T0 + 5 * min;
    const res = await put(cookie, a.id, { [single.id]: right[single.id], [q2!.id]: right[q2!.id] });
    expect(await res.json()).toMatchObject({ saved: 2, saved_at: new Date(now).toISOString() });
    await put(cookie, a.id, { [q2!.id]: null });
    const resumed = (await (await t.request(`/api/attempts/${a.id}`, { cookie })).json()).attempt;
    const want: Record<string, unknown> = { [single.id]: right[single.id], [q1!.id]: right[q1!.id] };
    expect(resumed.answers).toEqual(want);
    const rows = await t.deps.db.selectFrom('attempt_saves').selectAll().where('attempt_id', '=', a.id).execute();
    expect(rows.length).toBe(Object.keys(resumed.answers).length);
  });

  it('refuses saves from someone else, and after the deadline plus slack', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    const other = await t.userWithSession('cadet');
    expect((await put(other.cookie, a.id, {})).status).toBe(403);
    now = T0 + 21 * min; // inside the 2-minute network slack
    expect((await put(cookie, a.id, {})).status).toBe(200);
    now = T0 + 23 * min;
    const late = await put(cookie, a.id, {});
    expect(late.status).toBe(409);
    expect((await late.json()).error).toMatchObject({ code: 'time_limit_exceeded' });
  });

  it('at the deadline the attempt is scored from what the server holds', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    const right = rightAnswers(pool, a.questions);
    const half = Object.fromEntries(a.questions.slice(0, 4).map((q) => [q.id, right[q.id]]));
    await put(cookie, a.id, half);
    now = T0 + 30 * min;
    const { attempt } = await (await t.request(`/api/attempts/${a.id}`, { cookie })).json();
    expect(attempt).toMatchObject({
      submitted: true,
      finished_by: 'deadline',
      submitted_at: '2026-11-29T10:20:00.000Z',
    });
    const rows = await t.deps.db.selectFrom('attempt_responses').selectAll().where('attempt_id', '=', a.id).execute();
    expect(
      rows
        .filter((r) => r.score === 1)
        .map((r) => r.question_id)
        .sort(),
    ).toEqual(Object.keys(half).sort());
    // The learner can start the next attempt at once.
    const next = await t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale: 'uk' } });
    expect(next.status).toBe(201);
  });

  it('a submission inside the network slack is on time; the saved answers fill what it leaves out', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    const right = rightAnswers(pool, a.questions);
    await put(cookie, a.id, Object.fromEntries(a.questions.slice(0, 4).map((q) => [q.id, right[q.id]])));
    now = T0 + 21 * min;
    const rest = Object.fromEntries(a.questions.slice(4).map((q) => [q.id, right[q.id]]));
    const res = await t.request(`/api/attempts/${a.id}/submit`, { cookie, json: { responses: rest } });
    expect(res.status).toBe(200);
    expect((await res.json()).attempt).toMatchObject({ score: 100, finished_by: 'learner' });
  });

  it('late, pending review: counts only when the owner instructor accepts; evidence shown; audit-logged', async () => {
    const learner = await t.userWithSession('cadet');
    const instructor = await cohortOf(t, learner.user.id);
    const stranger = await t.userWithSession('instructor');
    const a = await start(learner.cookie);
    await put(learner.cookie, a.id, {}); // one save, nothing answered
    now = T0 + 55 * min; // back online 35 minutes after the deadline
    const late = await t.request(`/api/attempts/${a.id}/submit`, {
      cookie: learner.cookie,
      json: { responses: rightAnswers(pool, a.questions), elapsed_ms: 19 * min },
    });
    expect(late.status).toBe(202);
    expect((await late.json()).attempt).toMatchObject({ score: 0, passed: false, late: { status: 'pending' } });
    const summary = await (await t.request('/api/courses/fixture-course/attempts', { cookie: learner.cookie })).json();
    expect(summary.attempts[0]).toMatchObject({ score: 0, late: 'pending' });

    const queue = await (await t.request('/api/late-attempts', { cookie: instructor.cookie })).json();
    expect(queue.items).toHaveLength(1);
    expect(queue.items[0]).toMatchObject({
      id: a.id,
      learner: { id: learner.user.id },
      deadline_at: '2026-11-29T10:20:00.000Z',
      deadline_score: 0,
      late_score: 100,
      device_elapsed_ms: 19 * min,
      late_submitted_at: new Date(T0 + 55 * min).toISOString(),
      time_limit_minutes: 20,
    });
    expect((await (await t.request('/api/late-attempts', { cookie: stranger.cookie })).json()).items).toEqual([]);
    const byStranger = await t.request(`/api/attempts/${a.id}/late/accept`, { cookie: stranger.cookie, json: {} });
    expect(byStranger.status).toBe(403);
    expect((await byStranger.json()).error.message).toMatch(/instructor of the learner's cohort/);
    expect((await t.request(`/api/attempts/${a.id}/late/accept`, { cookie: learner.cookie, json: {} })).status).toBe(
      403,
    );
    expect(
      await t.deps.db.selectFrom('completions').selectAll().where('user_id', '=', learner.user.id).execute(),
    ).toEqual([]);

    const ok = await t.request(`/api/attempts/${a.id}/late/accept`, { cookie: instructor.cookie, json: {} });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ late_status: 'accepted', score: 100 });
    const after = (await (await t.request(`/api/attempts/${a.id}`, { cookie: learner.cookie })).json()).attempt;
    expect(after).toMatchObject({ score: 100, passed: true, late: { status: 'accepted' } });
    const twice = await t.request(`/api/attempts/${a.id}/late/reject`, { cookie: instructor.cookie, json: {} });
    expect(twice.status).toBe(409);
    const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('target', '=', a.id).execute();
    expect(audit.map((e) => e.event).sort()).toEqual(['attempt.late_accepted', 'attempt.late_submitted']);
    expect(audit.find((e) => e.event === 'attempt.late_accepted')!.actor_id).toBe(instructor.user.id);
  });

  it('a rejected late submission leaves the deadline score; one more than a day late is refused', async () => {
    const learner = await t.userWithSession('cadet');
    const instructor = await cohortOf(t, learner.user.id);
    const a = await start(learner.cookie);
    now = T0 + 40 * min;
    const json = { responses: rightAnswers(pool, a.questions) };
    expect((await t.request(`/api/attempts/${a.id}/submit`, { cookie: learner.cookie, json })).status).toBe(202);
    const no = await t.request(`/api/attempts/${a.id}/late/reject`, { cookie: instructor.cookie, json: {} });
    expect(await no.json()).toMatchObject({ late_status: 'rejected', score: 0 });
    const audit = await t.deps.db.selectFrom('audit_log').select('event').where('target', '=', a.id).execute();
    expect(audit.map((e) => e.event)).toContain('attempt.late_rejected');

    const b = await start(learner.cookie);
    now = T0 + 25 * 60 * min;
    const tooLate = await t.request(`/api/attempts/${b.id}/submit`, {
      cookie: learner.cookie,
      json: { responses: rightAnswers(pool, b.questions) },
    });
    expect(tooLate.status).toBe(409);
    expect((await tooLate.json()).error.code).toBe('time_limit_exceeded');
  });
});
