import { describe, expect, it } from 'vitest';
import { rightAnswers } from '../helpers/answers.ts';
import { makeTestApp, fixtures } from '../helpers/app.ts';
import { studyEvents } from '../helpers/study.ts';

const pool = () =>
  new Map(
    fixtures()
      .courses.get('fixture-course')!
      .pool!.map((q) => [q.id, q]),
  );
const KEYS = ['KEYEXPL-UK', 'KEYEXPL-EN', '"correct"', '"answer"', '"accepted"', '"explanation"', '"feedback"'];

async function completeModules(t: Awaited<ReturnType<typeof makeTestApp>>, cookie: string) {
  const events = studyEvents(fixtures().courses.get('fixture-course')!);
  expect((await t.request('/api/progress/events', { cookie, json: { events } })).status).toBe(200);
}

describe('graded attempts', async () => {
  let now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const start = (cookie: string, locale = 'uk') =>
    t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale } });

  it('draws the configured number of questions, stratified by module, without answer keys or feedback', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const res = await start(cookie);
    expect(res.status).toBe(201);
    const text = await res.text();
    for (const k of KEYS.slice(0, 2)) expect(text).not.toContain(k);
    for (const k of KEYS.slice(2)) expect(text).not.toContain(k);
    const { attempt } = JSON.parse(text);
    expect(attempt.questions).toHaveLength(8);
    const modules = new Set(attempt.questions.map((q: { id: string }) => pool().get(q.id)!.module));
    expect(modules).toEqual(new Set(['words', 'response']));
    expect(attempt.deadline_at).toBe('2026-11-29T10:20:00.000Z');
  });

  it('one open attempt at a time', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const { attempt } = await (await start(cookie)).json();
    const again = await start(cookie);
    expect(again.status).toBe(409);
    expect((await again.json()).error.fields.attempt).toBe(attempt.id);
    // Resuming: the same questions in the same order.
    const resumed = await (await t.request(`/api/attempts/${attempt.id}`, { cookie })).json();
    expect(resumed.attempt.questions).toEqual(attempt.questions);
  });

  it('scores a perfect submission 100 on the server, stores every response, completes the course', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    await completeModules(t, cookie);
    const { attempt } = await (await start(cookie)).json();
    const responses = rightAnswers(pool(), attempt.questions);
    const res = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses } });
    expect(res.status).toBe(200);
    const { attempt: result } = await res.json();
    expect(result).toMatchObject({ score: 100, passed: true, pass_mark: 75 });
    expect(result.review).toHaveLength(8);
    expect(result.review[0].explanation).toBeTruthy();
    const stored = await t.deps.db
      .selectFrom('attempt_responses')
      .selectAll()
      .where('attempt_id', '=', attempt.id)
      .execute();
    expect(stored).toHaveLength(8);
    expect(stored.every((r) => r.score === 1)).toBe(true);
    const completions = await t.deps.db.selectFrom('completions').selectAll().where('user_id', '=', user.id).execute();
    expect(completions).toHaveLength(1);
    expect(completions[0]).toMatchObject({ course_id: 'fixture-course', content_version: '1.0.0', score: 100 });
  });

  it('completion is recorded once, whatever the order and however often the events repeat', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    const { attempt } = await (await start(cookie)).json();
    const responses = rightAnswers(pool(), attempt.questions);
    await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses } });
    expect(
      await t.deps.db.selectFrom('completions').select('id').where('user_id', '=', user.id).execute(),
    ).toHaveLength(0);
    await completeModules(t, cookie);
    await completeModules(t, cookie);
    expect(
      await t.deps.db.selectFrom('completions').select('id').where('user_id', '=', user.id).execute(),
    ).toHaveLength(1);
  });

  it('an empty submission scores 0 and fails; the attempt limit is enforced', async () => {
    const { cookie } = await t.userWithSession('cadet');
    for (let i = 0; i < 3; i++) {
      const { attempt } = await (await start(cookie)).json();
      const res = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses: {} } });
      expect((await res.json()).attempt).toMatchObject({ score: 0, passed: false });
    }
    const fourth = await start(cookie);
    expect(fourth.status).toBe(409);
    expect((await fourth.json()).error.message).toMatch(/no attempts left/);
    const summary = await (await t.request('/api/courses/fixture-course/attempts', { cookie })).json();
    expect(summary).toMatchObject({ attempts_left: 0, max_attempts: 3 });
  });

  describe('rejections', () => {
    it('responses for questions not in the attempt', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const { attempt } = await (await start(cookie)).json();
      const notDrawn = 'g-practice-only-question';
      const res = await t.request(`/api/attempts/${attempt.id}/submit`, {
        cookie,
        json: { responses: { [notDrawn]: 'a' } },
      });
      expect(res.status).toBe(400);
      expect((await res.json()).error.fields[`responses.${notDrawn}`]).toMatch(/not part of the attempt/);
    });
    it('wrong shapes per type', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const { attempt } = await (await start(cookie)).json();
      const bad: Record<string, unknown> = {};
      for (const q of attempt.questions as { id: string; type: string }[])
        bad[q.id] =
          q.type === 'true-false'
            ? 'yes'
            : q.type === 'numeric'
              ? 'sixteen'
              : q.type === 'ordering'
                ? ['x']
                : q.type === 'text'
                  ? 42
                  : q.type === 'matching'
                    ? ['p1']
                    : q.type === 'multiple'
                      ? 'a'
                      : ['zz'];
      const res = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses: bad } });
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()).error.fields).length).toBe(8);
    });
    it("submitting someone else's attempt", async () => {
      const owner = await t.userWithSession('cadet');
      const other = await t.userWithSession('cadet');
      const { attempt } = await (await start(owner.cookie)).json();
      const res = await t.request(`/api/attempts/${attempt.id}/submit`, {
        cookie: other.cookie,
        json: { responses: {} },
      });
      expect(res.status).toBe(403);
      expect((await t.request(`/api/attempts/${attempt.id}`, { cookie: other.cookie })).status).toBe(403);
    });
    it('submitting twice', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const { attempt } = await (await start(cookie)).json();
      expect((await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses: {} } })).status).toBe(
        200,
      );
      const twice = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses: {} } });
      expect(twice.status).toBe(409);
    });
    it('a submission an hour late is kept as late, pending review, whatever the device claims', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const { attempt } = await (await start(cookie)).json();
      now = new Date(now.getTime() + 60 * 60 * 1000); // an hour later: limit is 20 min
      try {
        const late = await t.request(`/api/attempts/${attempt.id}/submit`, {
          cookie,
          json: { responses: rightAnswers(pool(), attempt.questions), elapsed_ms: 15 * 60 * 1000 },
        });
        expect(late.status).toBe(202);
        const { attempt: result } = await late.json();
        // Scored at the deadline from what the server held (nothing): the late answers do not count.
        expect(result).toMatchObject({ finished_by: 'deadline', score: 0, passed: false, late: { status: 'pending' } });
        const again = await t.request(`/api/attempts/${attempt.id}/submit`, { cookie, json: { responses: {} } });
        expect(again.status).toBe(409);
      } finally {
        now = new Date('2026-11-29T10:00:00Z');
      }
    });
    it('a course without an assessment, and instructors cannot start attempts', async () => {
      const { cookie } = await t.userWithSession('cadet');
      expect((await t.request('/api/courses/nope/attempts', { cookie, json: {} })).status).toBe(404);
      const instructor = await t.userWithSession('instructor');
      expect((await start(instructor.cookie)).status).toBe(403);
    });
  });
});
