import { describe, expect, it } from 'vitest';
import { hashPassword } from '../../api/auth/password.ts';
import { seedAttempts } from '../../db/seed-attempts.ts';
import { DEMO_ACCOUNTS, seedDemo } from '../../db/seed.ts';
import { fixtures, makeTestApp, type TestApp } from '../helpers/app.ts';
import { cohortThroughApi } from '../helpers/cohort.ts';
import { studyEvents } from '../helpers/study.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
const t: TestApp = await makeTestApp({ now: () => NOW });
const loaded = fixtures().courses.get('fixture-course')!;
const course = loaded.course;
const modules = course.modules;
const instructor = await t.userWithSession('instructor');
const admin = await t.userWithSession('admin');

let n = 0;
async function progress(
  userId: number,
  module: string,
  kind: 'viewed' | 'completed' | 'practice',
  at: string,
  score: number | null = null,
) {
  await t.deps.db
    .insertInto('progress_events')
    .values({
      client_id: `t-${n++}`,
      user_id: userId,
      course_id: course.id,
      module_id: module,
      kind,
      score,
      occurred_at: at,
      received_at: at,
    })
    .execute();
}
async function attempt(userId: number, score: number, at: string, responses: [string, unknown, number][] = []) {
  const id = crypto.randomUUID();
  await t.deps.db
    .insertInto('attempts')
    .values({
      id,
      user_id: userId,
      course_id: course.id,
      content_version: course.version,
      locale: 'uk',
      questions: JSON.stringify(responses.map(([q]) => ({ id: q, order: [] }))),
      started_at: at,
      deadline_at: null,
      submitted_at: at,
      score,
      passed: score >= course.passMark ? 1 : 0,
    })
    .execute();
  for (const [q, r, s] of responses)
    await t.deps.db
      .insertInto('attempt_responses')
      .values({ attempt_id: id, question_id: q, response: JSON.stringify(r), score: s })
      .execute();
  return id;
}

describe('the cohort report on a small hand-made cohort', async () => {
  const cohort = await cohortThroughApi(t, instructor.cookie, {
    name: 'Мала група',
    unit: 'ХНУВС',
    courseId: course.id,
    dueOn: '2026-11-20',
    learners: [
      ['Анна Завершила', 'anna@test.ua'],
      ['Богдан Провалив', 'bohdan@test.ua'],
      ['Віра Нерозпочала', 'vira@test.ua'],
    ],
  });
  const id = async (email: string) =>
    (await t.deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const [anna, bohdan, vira] = [await id('anna@test.ua'), await id('bohdan@test.ua'), await id('vira@test.ua')];
  // They joined in October, when the course was assigned: the history below was made while they were
  // members and the course was the cohort's (reports show only that).
  await t.deps.db
    .updateTable('cohort_members')
    .set({ joined_at: '2026-10-01T00:00:00.000Z' })
    .where('cohort_id', '=', cohort.id)
    .execute();
  await t.deps.db
    .updateTable('cohort_courses')
    .set({ assigned_at: '2026-10-01T00:00:00.000Z' })
    .where('cohort_id', '=', cohort.id)
    .execute();
  // Anna: every module (one per day from 1 Nov), fails with 60, passes with 80, completes, has a certificate.
  // She studies each module (enough time, practice passed) before marking it: the mastery rule.
  for (const [i, m] of modules.entries())
    for (const e of studyEvents(loaded, { modules: [m], end: new Date(`2026-11-0${i + 1}T10:00:00.000Z`) }))
      await progress(anna, m, e.kind, e.at, e.score ?? null);
  await attempt(anna, 60, '2026-11-05T10:00:00.000Z', [
    ['g-single', 'b', 0],
    ['g-tf', true, 1],
  ]);
  const passedId = await attempt(anna, 80, '2026-11-06T10:00:00.000Z', [
    ['g-single', 'a', 1],
    ['g-tf', true, 1],
  ]);
  const completion = await t.deps.db
    .insertInto('completions')
    .values({
      user_id: anna,
      course_id: course.id,
      content_version: course.version,
      attempt_id: passedId,
      score: 80,
      completed_at: '2026-11-06T10:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.deps.db
    .insertInto('certificates')
    .values({
      code: 'OBR-TEST-0001',
      user_id: anna,
      completion_id: completion.id,
      course_id: course.id,
      content_version: course.version,
      name_printed: 'Анна Завершила',
      score: 80,
      issued_at: '2026-11-06T10:00:00.000Z',
      expires_at: null,
      revoked_at: null,
      revoked_reason: null,
      signature: 'x',
    })
    .execute();
  // Bohdan: viewed the first module, failed twice (40, 50).
  await progress(bohdan, modules[0]!, 'viewed', '2026-11-02T09:00:00.000Z');
  await attempt(bohdan, 40, '2026-11-10T10:00:00.000Z', [['g-single', 'c', 0]]);
  await attempt(bohdan, 50, '2026-11-12T10:00:00.000Z', [['g-single', 'b', 0]]);

  const res = await t.request(`/api/reports/cohorts/${cohort.id}`, { cookie: instructor.cookie });
  const report = await res.json();
  const row = (userId: number) => report.learners.find((l: { id: number }) => l.id === userId).courses[0];

  it('gives each learner their status, modules, best score, completion date and certificate', () => {
    expect(res.status).toBe(200);
    expect(row(anna)).toEqual({
      course_id: course.id,
      status: 'completed',
      modules_done: modules.length,
      modules_total: modules.length,
      attempts: 2,
      failed: 1,
      best_score: 80,
      passed: true,
      completed_at: '2026-11-06T10:00:00.000Z',
      certificate: 'OBR-TEST-0001',
      risk: [],
    });
    expect(row(bohdan)).toMatchObject({
      status: 'in_progress',
      modules_done: 0,
      attempts: 2,
      failed: 2,
      best_score: 50,
      passed: false,
      completed_at: null,
      certificate: null,
      risk: ['overdue', 'failed_twice'],
    });
    expect(row(vira)).toMatchObject({
      status: 'not_started',
      modules_done: 0,
      attempts: 0,
      best_score: null,
      risk: ['not_started', 'overdue'],
    });
  });

  it('computes the funnel, per-module completion, score distribution and progress over time', () => {
    const c = report.courses[0];
    expect(c.funnel).toEqual({ members: 3, started: 2, modules_done: 1, passed: 1, completed: 1, certified: 1 });
    // First module: Anna completed, Bohdan viewed. The others: only Anna.
    expect(c.module_completion[0]).toEqual({ module: modules[0], started: 2, completed: 1 });
    for (const m of c.module_completion.slice(1)) expect(m).toMatchObject({ started: 1, completed: 1 });
    // Best scores: Anna 80 → bin 80–89, Bohdan 50 → bin 50–59.
    expect(
      c.score_distribution
        .filter((b: { count: number }) => b.count)
        .map((b: { from: number; count: number }) => `${b.from}:${b.count}`),
    ).toEqual(['50:1', '80:1']);
    expect(c.score_distribution.at(-1)).toMatchObject({ from: 90, to: 100 });
    // One module per day from 1 Nov, then the completion on 6 Nov: cumulative counts.
    expect(c.progress_over_time.at(-1)).toEqual({
      date: '2026-11-06',
      modules_completed: modules.length,
      courses_completed: 1,
    });
    expect(c.progress_over_time[0]).toEqual({ date: '2026-11-01', modules_completed: 1, courses_completed: 0 });
  });

  it('lists who is at risk and why', () => {
    expect(
      report.at_risk
        .map((r: { full_name: string; reasons: string[] }) => `${r.full_name}: ${r.reasons.join('+')}`)
        .sort(),
    ).toEqual(['Богдан Провалив: overdue+failed_twice', 'Віра Нерозпочала: not_started+overdue']);
  });

  it('gives the median best score per course and, with learners=none, the same report without the per-learner rows', async () => {
    // Best scores: Anna 80, Bohdan 50 (Vira has none).
    expect(report.courses[0].best_score_median).toBe(65);
    expect(report.learner_count).toBe(3);
    const summary = await (
      await t.request(`/api/reports/cohorts/${cohort.id}?learners=none`, { cookie: instructor.cookie })
    ).json();
    expect(summary.learners).toBeUndefined();
    const { learners: _rows, generated_at: _at, ...rest } = report;
    expect({ ...summary, generated_at: undefined }).toEqual({ ...rest, generated_at: undefined });
    expect(
      (await t.request(`/api/reports/cohorts/${cohort.id}?learners=all`, { cookie: instructor.cookie })).status,
    ).toBe(200);
    expect(
      (await t.request(`/api/reports/cohorts/${cohort.id}?learners=some`, { cookie: instructor.cookie })).status,
    ).toBe(400);
    expect((await t.request(`/api/reports/cohorts/${cohort.id}?other=1`, { cookie: instructor.cookie })).status).toBe(
      400,
    );
  });

  it('drills down into one learner: modules, attempts with every response, certificates', async () => {
    const d = await (
      await t.request(`/api/reports/cohorts/${cohort.id}/learners/${anna}`, { cookie: instructor.cookie })
    ).json();
    const c = d.courses[0];
    expect(c.modules.every((m: { completed: boolean }) => m.completed)).toBe(true);
    expect(c.attempts.map((a: { score: number }) => a.score)).toEqual([60, 80]);
    expect(c.attempts[0].responses[0]).toMatchObject({
      question_id: 'g-single',
      type: 'single',
      response: 'b',
      score: 0,
      correct_response: 'a',
      stem: { uk: 'Який термін правильний?' },
    });
    expect(c.certificates.map((x: { code: string }) => x.code)).toEqual(['OBR-TEST-0001']);
    const stranger = await t.createUser('cadet');
    expect(
      (await t.request(`/api/reports/cohorts/${cohort.id}/learners/${stranger.id}`, { cookie: instructor.cookie }))
        .status,
    ).toBe(404);
  });

  it('grades CSV: UTF-8 with a BOM, Cyrillic intact, one row per learner', async () => {
    const res = await t.request(`/api/reports/cohorts/${cohort.id}/grades.csv`, { cookie: instructor.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="cohort-\d+-grades.csv"/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.trim().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      'ПІБ,Ел. пошта,Роль,Тестовий курс: стан,Тестовий курс: модулі,"Тестовий курс: найкращий результат, %",Тестовий курс: дата завершення,Тестовий курс: код сертифіката',
    );
    expect(lines).toContain(
      `Анна Завершила,anna@test.ua,курсант,завершено,${modules.length}/${modules.length},80,2026-11-06,OBR-TEST-0001`,
    );
    const en = await (
      await t.request(`/api/reports/cohorts/${cohort.id}/grades.csv?locale=en&delimiter=semicolon`, {
        cookie: instructor.cookie,
      })
    ).text();
    expect(en).toContain('Віра Нерозпочала;vira@test.ua;cadet;not started;0/');
  });

  it('responses CSV: one row per stored response, with a BOM', async () => {
    const res = await t.request(`/api/reports/cohorts/${cohort.id}/responses.csv`, { cookie: instructor.cookie });
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).trim().split('\r\n');
    expect(lines).toHaveLength(1 + 6);
    expect(lines.filter((l) => l.startsWith('Богдан Провалив,bohdan@test.ua,fixture-course,'))).toHaveLength(2);
    expect(lines.some((l) => l.endsWith(',g-single,words,single,c,0'))).toBe(true);
  });

  it("item analysis over the cohort's attempts", async () => {
    const items = await (
      await t.request(`/api/reports/cohorts/${cohort.id}/items`, { cookie: instructor.cookie })
    ).json();
    const single = items.courses[0].items.find((i: { questionId: string }) => i.questionId === 'g-single');
    // 4 responses: a (1), b (0), c (0), b (0) → facility 0.25; totals 80, 60, 50, 40 → groups of round(1.08) = 1: 1 − 0 = 1.
    expect(single).toMatchObject({ n: 4, facility: 0.25, discrimination: 1 });
    expect(single.choices).toEqual([
      { option: 'a', correct: true, count: 1 },
      { option: 'b', correct: false, count: 2 },
      { option: 'c', correct: false, count: 1 },
    ]);
    expect(items.courses[0].attempts).toBe(4);
  });

  it("an instructor requesting another instructor's cohort gets 403; admins see every cohort", async () => {
    const other = await t.userWithSession('instructor');
    for (const p of ['', '/items', '/grades.csv', '/responses.csv', `/learners/${anna}`]) {
      expect((await t.request(`/api/reports/cohorts/${cohort.id}${p}`, { cookie: other.cookie })).status, p).toBe(403);
      expect((await t.request(`/api/reports/cohorts/${cohort.id}${p}`, { cookie: admin.cookie })).status, p).toBe(200);
    }
    const cadet = await t.userWithSession('cadet');
    expect((await t.request(`/api/reports/cohorts/${cohort.id}`, { cookie: cadet.cookie })).status).toBe(403);
    expect((await t.request('/api/reports/cohorts/999999', { cookie: admin.cookie })).status).toBe(404);
  });
});

describe('the seeded demo cohort', async () => {
  const d = await makeTestApp();
  const courses = [...fixtures().courses.values()].map((c) => ({ id: c.course.id, modules: c.course.modules }));
  await seedDemo(d.deps.db, {
    hash: hashPassword,
    courses,
    base: new Date('2026-12-01T12:00:00Z'),
    afterProgress: seedAttempts(fixtures()),
  });
  const demo = DEMO_ACCOUNTS.find((a) => a.email === 'instructor@oberih.demo')!;
  const cookie = await d.login(demo.email, demo.password);
  // The seed's 30-cadet cohort (the programme seed gives this instructor other, smaller cohorts too).
  const cohort = (await (await d.request('/api/cohorts', { cookie })).json()).cohorts.find(
    (c: { name: string }) => c.name === 'Курсанти 2026, група 3',
  );
  const report = await (await d.request(`/api/reports/cohorts/${cohort.id}`, { cookie })).json();

  it('has graded attempts with per-question responses, completions, and cadets who failed twice', async () => {
    expect(report.learners).toHaveLength(30);
    const c = report.courses[0];
    expect(c.funnel.members).toBe(30);
    expect(c.funnel.completed).toBeGreaterThan(0);
    expect(c.funnel.completed).toBeLessThan(30);
    // The funnel is monotone: each stage is a subset of the one before (certificates aside).
    expect(c.funnel.started).toBeLessThanOrEqual(c.funnel.members);
    expect(c.funnel.completed).toBeLessThanOrEqual(c.funnel.passed);
    // The seed plants three cadets who fail twice; a weak learner may fail twice by chance as well.
    const failedTwice = report.at_risk.filter((r: { reasons: string[] }) => r.reasons.includes('failed_twice'));
    expect(failedTwice.length).toBeGreaterThanOrEqual(3);
    expect(failedTwice.length).toBeLessThanOrEqual(5);
    expect(report.at_risk.some((r: { reasons: string[] }) => r.reasons.includes('not_started'))).toBe(true);
    // Best scores in the distribution = learners with a submitted attempt.
    const withAttempts = report.learners.filter(
      (l: { courses: { attempts: number }[] }) => l.courses[0]!.attempts > 0,
    ).length;
    expect(c.score_distribution.reduce((s: number, b: { count: number }) => s + b.count, 0)).toBe(withAttempts);
    // Every completion recorded by the seed matches a passed attempt of the same learner.
    const completions = await d.deps.db
      .selectFrom('completions')
      .innerJoin('attempts', 'attempts.id', 'completions.attempt_id')
      .innerJoin('cohort_members', 'cohort_members.user_id', 'completions.user_id')
      .where('cohort_members.cohort_id', '=', cohort.id)
      .select(['attempts.passed', 'completions.completed_at', 'attempts.submitted_at'])
      .execute();
    expect(completions.length).toBe(c.funnel.completed);
    for (const x of completions) expect(x).toMatchObject({ passed: 1, completed_at: x.submitted_at });
  });

  it('its item analysis flags the planted misleading question', async () => {
    const items = await (await d.request(`/api/reports/cohorts/${cohort.id}/items`, { cookie })).json();
    const list = items.courses[0].items as { n: number; flags: string[] }[];
    expect(list.every((i) => i.n > 0)).toBe(true);
    expect(list.some((i) => i.flags.includes('negative_discrimination'))).toBe(true);
  });

  it("the second demo instructor cannot open the first one's cohort", async () => {
    const c2 = await d.login('instructor2@oberih.demo', demo.password);
    expect((await d.request(`/api/reports/cohorts/${cohort.id}`, { cookie: c2 })).status).toBe(403);
  });
});
