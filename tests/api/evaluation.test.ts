/** The built-in evaluation through the real API: pre-test, anonymous reaction and follow-up, aggregates. */
import { describe, expect, it } from 'vitest';
import { correctResponse } from '../../courses/scoring.ts';
import { maskResponse, type MaskedDraw } from '../../courses/attempt-ids.ts';
import { makeTestApp, fixtures, type TestApp } from '../helpers/app.ts';

const COURSE = 'fixture-course';
const DAY = 86_400_000;

function clock(start = '2027-02-10T09:30:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function complete(t: TestApp, userId: number, at: Date) {
  await t.deps.db
    .insertInto('completions')
    .values({
      user_id: userId,
      course_id: COURSE,
      content_version: '1.0.0',
      attempt_id: null,
      score: 90,
      completed_at: at.toISOString(),
    })
    .execute();
}

async function cohortOf(t: TestApp, ownerId: number, members: number[], now: Date) {
  const { id } = await t.deps.db
    .insertInto('cohorts')
    .values({
      name: 'Вінниця-2027',
      unit: 'ВНУВС',
      starts_on: null,
      ends_on: null,
      owner_id: ownerId,
      created_at: now.toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await t.deps.db
    .insertInto('cohort_courses')
    .values({
      cohort_id: id,
      course_id: COURSE,
      due_on: null,
      assigned_at: new Date(now.getTime() - 60 * DAY).toISOString(),
    })
    .execute();
  for (const user_id of members)
    await t.deps.db
      .insertInto('cohort_members')
      .values({ cohort_id: id, user_id, joined_at: new Date(now.getTime() - 50 * DAY).toISOString() })
      .execute();
  return id;
}

/** The right answers to a stored pre-test, under that pre-test's public ids. */
async function rightAnswers(t: TestApp, userId: number) {
  const row = await t.deps.db
    .selectFrom('evaluation_pretests')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  const pool = new Map(
    fixtures()
      .courses.get(COURSE)!
      .evaluation!.pretest.pool!.map((q) => [q.id, q]),
  );
  return Object.fromEntries(
    (JSON.parse(row.questions) as MaskedDraw[]).map((d) => {
      const q = pool.get(d.id)!;
      return [d.id, maskResponse(q, d, correctResponse(q))];
    }),
  );
}

describe('pre-test', () => {
  it('is drawn without keys, scored on the server, taken once, and only before module 1', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const { user, cookie } = await t.userWithSession('cadet');
    const state = await (await t.request(`/api/evaluation/${COURSE}`, { cookie })).json();
    expect(state.pretest).toEqual({ state: 'open', score: null });

    const start = await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie, json: { locale: 'en' } });
    expect(start.status).toBe(201);
    const text = await start.text();
    const body = JSON.parse(text);
    expect(body.questions).toHaveLength(3);
    // No key, no explanation, no authored option id leaves the server.
    for (const leak of ['PREKEY', '"correct"', '"answer"', 'explanation', '"calm"', '"press"'])
      expect(text).not.toContain(leak);
    // Resuming gives the same draw.
    const again = await (
      await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie, json: { locale: 'en' } })
    ).json();
    expect(again.questions.map((q: { id: string }) => q.id)).toEqual(body.questions.map((q: { id: string }) => q.id));

    const wrongShape = await t.request(`/api/evaluation/${COURSE}/pretest/submit`, {
      cookie,
      json: { responses: { 'g-single': 'a' } },
    });
    expect(wrongShape.status).toBe(400);
    expect((await wrongShape.json()).error.fields['responses.g-single']).toMatch(/not part of your pre-test/);

    const submit = await t.request(`/api/evaluation/${COURSE}/pretest/submit`, {
      cookie,
      json: { responses: await rightAnswers(t, user.id) },
    });
    expect(submit.status).toBe(200);
    expect(await submit.json()).toEqual({ score: 100 });
    const twice = await t.request(`/api/evaluation/${COURSE}/pretest/submit`, { cookie, json: { responses: {} } });
    expect(twice.status).toBe(409);
    expect((await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie, json: {} })).status).toBe(409);
    const after = await (await t.request(`/api/evaluation/${COURSE}`, { cookie })).json();
    expect(after.pretest).toEqual({ state: 'done', score: 100 });
  });

  it('scores wrong answers 0 and refuses a learner who has already begun the course', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const { cookie } = await t.userWithSession('officer');
    await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie, json: {} });
    const res = await t.request(`/api/evaluation/${COURSE}/pretest/submit`, { cookie, json: { responses: {} } });
    expect(await res.json()).toEqual({ score: 0 });

    const late = await t.userWithSession('cadet');
    await t.deps.db
      .insertInto('progress_events')
      .values({
        client_id: 'c1',
        user_id: late.user.id,
        course_id: COURSE,
        module_id: 'words',
        kind: 'completed',
        score: null,
        occurred_at: c.now().toISOString(),
        received_at: c.now().toISOString(),
      })
      .execute();
    const refused = await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie: late.cookie, json: {} });
    expect(refused.status).toBe(409);
    expect((await refused.json()).error.message).toMatch(/before module 1/);
    expect((await (await t.request(`/api/evaluation/${COURSE}`, { cookie: late.cookie })).json()).pretest.state).toBe(
      'closed',
    );
  });

  it('answers 404 for an unknown course and refuses non-learners', async () => {
    const t = await makeTestApp();
    const { cookie } = await t.userWithSession('cadet');
    expect((await t.request('/api/evaluation/no-such-course/pretest', { cookie, json: {} })).status).toBe(404);
    const instructor = await t.userWithSession('instructor');
    expect((await t.request(`/api/evaluation/${COURSE}/pretest`, { cookie: instructor.cookie, json: {} })).status).toBe(
      403,
    );
  });
});

describe('reaction questionnaire', () => {
  it('opens at completion, is stored without the learner and with the month only, once', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const { user, cookie } = await t.userWithSession('cadet');
    const teacher = await t.userWithSession('instructor');
    const cohort = await cohortOf(t, teacher.user.id, [user.id], c.now());
    const answer = { relevance: 5, clarity: 4, confidence: 4, workload: 2, comment: 'Більше кейсів' };
    const early = await t.request(`/api/evaluation/${COURSE}/reaction`, { cookie, json: answer });
    expect(early.status).toBe(409);
    await complete(t, user.id, c.now());
    const res = await t.request(`/api/evaluation/${COURSE}/reaction`, { cookie, json: answer });
    expect(res.status).toBe(201);
    expect((await t.request(`/api/evaluation/${COURSE}/reaction`, { cookie, json: answer })).status).toBe(409);

    const rows = await t.deps.db.selectFrom('evaluation_reactions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      cohort_id: cohort,
      course_id: COURSE,
      month: '2027-02',
      relevance: 5,
      clarity: 4,
      confidence: 4,
      workload: 2,
      comment: 'Більше кейсів',
    });
    // Nothing in the answer names the learner or the moment; the mark names the learner and nothing else.
    expect(JSON.stringify(rows[0])).not.toContain(String(c.now().toISOString().slice(0, 10)));
    expect(await t.deps.db.selectFrom('evaluation_reaction_marks').selectAll().execute()).toEqual([
      { user_id: user.id, course_id: COURSE },
    ]);
  });

  it('refuses answers off the scale and unknown fields, naming the field', async () => {
    const t = await makeTestApp();
    const { cookie } = await t.userWithSession('cadet');
    const off = await t.request(`/api/evaluation/${COURSE}/reaction`, {
      cookie,
      json: { relevance: 6, clarity: 4, confidence: 4, workload: 2 },
    });
    expect(off.status).toBe(400);
    expect((await off.json()).error.fields.relevance).toMatch(/1–5/);
    const extra = await t.request(`/api/evaluation/${COURSE}/reaction`, {
      cookie,
      json: { relevance: 3, clarity: 4, confidence: 4, workload: 2, user_id: 1 },
    });
    expect(extra.status).toBe(400);
    expect((await extra.json()).error.fields.user_id).toBe('unknown field');
  });
});

describe('follow-up', () => {
  it(`opens ${90} days after completion, checks its answers, and is answered once`, async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const { user, cookie: first } = await t.userWithSession('officer');
    await complete(t, user.id, c.now());
    const answer = { usage: ['several'], barriers: ['no-time'], comment: '' };
    const early = await t.request(`/api/evaluation/${COURSE}/follow-up`, { cookie: first, json: answer });
    expect(early.status).toBe(409);
    expect((await early.json()).error.message).toMatch(/90 days after/);
    c.advance(90 * DAY);
    // Sessions last at most 30 days: sign in again three months later.
    const cookie = await t.login(user.email);
    const progress = await (await t.request('/api/me/progress', { cookie })).json();
    expect(progress.courses[0].evaluation.followUp.state).toBe('open');

    const tooMany = await t.request(`/api/evaluation/${COURSE}/follow-up`, {
      cookie,
      json: { usage: ['once', 'once'], barriers: [] },
    });
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.fields.usage).toMatch(/expected 1 answers/);
    const unknown = await t.request(`/api/evaluation/${COURSE}/follow-up`, {
      cookie,
      json: { usage: ['once'], barriers: ['<script>'] },
    });
    expect(unknown.status).toBe(400);
    expect((await t.request(`/api/evaluation/${COURSE}/follow-up`, { cookie, json: answer })).status).toBe(201);
    expect((await t.request(`/api/evaluation/${COURSE}/follow-up`, { cookie, json: answer })).status).toBe(409);
    const [row] = await t.deps.db.selectFrom('evaluation_followups').selectAll().execute();
    expect(row).toMatchObject({
      cohort_id: null,
      month: '2027-05',
      usage: '["several"]',
      barriers: '["no-time"]',
      comment: null,
    });
  });
});

describe('aggregates for the cohort', () => {
  async function setUp(learners: number) {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const teacher = await t.userWithSession('instructor');
    const ids: number[] = [];
    // Hand-made pairs: gains 10, 20, 0, 30, −10 (mean 10).
    const scores = [
      [50, 60],
      [40, 60],
      [70, 70],
      [30, 60],
      [80, 70],
    ].slice(0, learners);
    for (const [i, [pre, post]] of scores.entries()) {
      const u = await t.createUser('cadet');
      ids.push(u.id);
      const preAt = new Date(c.now().getTime() - 40 * DAY).toISOString();
      await t.deps.db
        .insertInto('evaluation_pretests')
        .values({
          user_id: u.id,
          course_id: COURSE,
          content_version: '1.0.0',
          locale: 'uk',
          questions: '[]',
          started_at: preAt,
          submitted_at: preAt,
          score: pre!,
        })
        .execute();
      await t.deps.db
        .insertInto('attempts')
        .values({
          id: `00000000-0000-4000-8000-00000000000${i}`,
          user_id: u.id,
          course_id: COURSE,
          content_version: '1.0.0',
          locale: 'uk',
          questions: '[]',
          started_at: new Date(c.now().getTime() - 10 * DAY).toISOString(),
          deadline_at: null,
          submitted_at: new Date(c.now().getTime() - 10 * DAY).toISOString(),
          score: post!,
          passed: post! >= 75 ? 1 : 0,
          finished_by: 'learner',
          late_status: null,
          late_submitted_at: null,
          late_elapsed_ms: null,
          late_responses: null,
          late_score: null,
          late_reviewed_by: null,
          late_reviewed_at: null,
        })
        .execute();
    }
    const cohort = await cohortOf(t, teacher.user.id, ids, c.now());
    for (const [i, id] of ids.entries()) {
      await complete(t, id, new Date(c.now().getTime() - 9 * DAY));
      const cookie = await t.login(
        (await t.deps.db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow()).email,
      );
      const r = await t.request(`/api/evaluation/${COURSE}/reaction`, {
        cookie,
        json: { relevance: 5 - (i % 2), clarity: 4, confidence: 3 + (i % 3), workload: 2 },
      });
      expect(r.status).toBe(201);
    }
    return { t, c, teacher, cohort };
  }

  it('gives gain, d_z with CI, share improved, Likert summaries and response rates to the cohort owner', async () => {
    const { t, teacher, cohort } = await setUp(5);
    const res = await t.request(`/api/evaluation/${COURSE}/summary?cohorts=${cohort}`, { cookie: teacher.cookie });
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s.suppressed).toEqual(['followUp']);
    expect(s.learners).toBe(5);
    expect(s.learning.n).toBe(5);
    expect(s.learning.meanGain).toBe(10);
    // gains 10, 20, 0, 30, −10: sd = √(1000 / 4) = 15.8114; d_z = 0.63246
    expect(s.learning.sdGain).toBeCloseTo(15.8114, 3);
    expect(s.learning.dz).toBeCloseTo(0.63246, 4);
    expect(s.learning.gainCi.low).toBeLessThan(10);
    expect(s.learning.shareImproved).toBe(0.6);
    expect(s.learning.rate).toEqual({ responded: 5, eligible: 5, rate: 1 });
    expect(s.reaction.rate).toEqual({ responded: 5, eligible: 5, rate: 1 });
    expect(s.reaction.items.relevance.counts).toEqual([0, 0, 0, 2, 3]);
    expect(s.reaction.items.clarity.mean).toBe(4);
    expect(s.followUp).toEqual({ rate: { responded: 0, eligible: 0, rate: null } });
    // Another instructor may not see this cohort's figures.
    const other = await t.userWithSession('instructor');
    expect(
      (await t.request(`/api/evaluation/${COURSE}/summary?cohorts=${cohort}`, { cookie: other.cookie })).status,
    ).toBe(403);
    const bad = await t.request(`/api/evaluation/${COURSE}/summary?cohorts=1;DROP`, { cookie: teacher.cookie });
    expect(bad.status).toBe(400);
  });

  it('withholds every figure about fewer than five people', async () => {
    const { t, teacher, cohort } = await setUp(4);
    const s = await (
      await t.request(`/api/evaluation/${COURSE}/summary?cohorts=${cohort}`, { cookie: teacher.cookie })
    ).json();
    expect(s.suppressed).toEqual(['learning', 'reaction', 'followUp']);
    expect(s.learning).toEqual({ n: 4, rate: { responded: 4, eligible: 4, rate: 1 } });
    expect(s.reaction).toEqual({ rate: { responded: 4, eligible: 4, rate: 1 } });
    expect(JSON.stringify(s)).not.toContain('meanGain');
  });
});
