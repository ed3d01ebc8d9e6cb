/**
 * Ways to read the answer key while it can still be used, found by a hostile review of the graded
 * final (issue #18): each fails on the code before the fix.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';

const T0 = Date.parse('2026-11-29T10:00:00Z');
const min = 60_000;

describe('the answer key stays hidden while it can still be used', async () => {
  let now = T0;
  const t = await makeTestApp({ now: () => new Date(now) });
  const start = async (cookie: string) => {
    const res = await t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale: 'uk' } });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()).attempt as { id: string };
  };
  const submitEmpty = (cookie: string, id: string) =>
    t.request(`/api/attempts/${id}/submit`, { cookie, json: { responses: {} } });

  it('a last attempt left to run out shows no key while a late hand-in is still possible', async () => {
    const { cookie } = await t.userWithSession('cadet');
    for (let i = 0; i < 2; i++) {
      now = T0 + i * 30 * min;
      expect((await submitEmpty(cookie, (await start(cookie)).id)).status).toBe(200);
    }
    now = T0 + 100 * min;
    const last = await start(cookie);
    now = T0 + 125 * min; // past the 20-minute limit and the slack: closed at the deadline
    const view = (await (await t.request(`/api/attempts/${last.id}`, { cookie })).json()).attempt;
    expect(view.finished_by).toBe('deadline');
    expect(JSON.stringify(view)).not.toContain('correct_response');
    // Nor through an earlier attempt, whose questions recur.
    const list = (await (await t.request('/api/courses/fixture-course/attempts', { cookie })).json()).attempts as {
      id: string;
    }[];
    for (const a of list)
      expect(JSON.stringify(await (await t.request(`/api/attempts/${a.id}`, { cookie })).json())).not.toContain(
        'correct_response',
      );
    // Once the late window has closed, the learner with no attempts left gets the review.
    now = T0 + 100 * min + 25 * 60 * min;
    const after = (await (await t.request(`/api/attempts/${last.id}`, { cookie })).json()).attempt;
    expect(JSON.stringify(after)).toContain('correct_response');
  });

  it('in a renewal cycle the review counts the attempts of that cycle, not of every cycle', async () => {
    const learner = await t.userWithSession('cadet');
    const P = Date.parse('2025-12-10T10:00:00Z');
    for (let i = 0; i < 2; i++) {
      now = P + i * 30 * min;
      expect((await submitEmpty(learner.cookie, (await start(learner.cookie)).id)).status).toBe(200);
    }
    await t.deps.db
      .insertInto('completions')
      .values({
        user_id: learner.user.id,
        course_id: 'fixture-course',
        content_version: '1.0.0',
        attempt_id: null,
        score: 90,
        completed_at: new Date(P + 2 * 3_600_000).toISOString(),
      } as never)
      .execute();
    now = T0; // eleven and a half months on: the renewal cycle is open
    const a = await start(learner.cookie);
    const res = await (await submitEmpty(learner.cookie, a.id)).json();
    const list = await (await t.request('/api/courses/fixture-course/attempts', { cookie: learner.cookie })).json();
    expect(list.attempts_left).toBe(2);
    expect(JSON.stringify(res)).not.toContain('correct_response');
  });
});

describe('date-times that validation accepted but JavaScript cannot read', async () => {
  const t = await makeTestApp();
  it('an offset past ±14:00 is a 400 naming the field, never a 500', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const res = await t.request('/api/progress/events', {
      cookie,
      json: {
        events: [
          {
            id: 'odd-offset-1',
            course: 'fixture-course',
            module: 'words',
            kind: 'viewed',
            at: '2026-11-29T10:00:00+99:00',
          },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(Object.keys((await res.json()).error.fields)).toEqual(['events.0.at']);
    const sent = await t.request('/api/progress/events', {
      cookie,
      json: {
        sent_at: '2026-11-29T10:00:00-23:59',
        events: [
          { id: 'odd-offset-2', course: 'fixture-course', module: 'words', kind: 'viewed', at: '2026-11-29T10:00:00Z' },
        ],
      },
    });
    expect(sent.status).toBe(400);
    const ok = await t.request('/api/progress/events', {
      cookie,
      json: {
        events: [
          {
            id: 'odd-offset-3',
            course: 'fixture-course',
            module: 'words',
            kind: 'viewed',
            at: '2026-11-29T10:00:00+14:00',
          },
        ],
      },
    });
    expect(ok.status).toBe(200);
  });
});
