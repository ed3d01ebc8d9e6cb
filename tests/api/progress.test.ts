import { describe, expect, it } from 'vitest';
import { BURST, MAX_EVENTS_PER_MODULE, RATE_PER_MINUTE } from '../../api/middleware/progress-quota.ts';
import { MAX_BATCH } from '../../api/routes/progress.ts';
import { fixtures, makeTestApp } from '../helpers/app.ts';
import { studyEvents } from '../helpers/study.ts';

const ev = (id: string, extra: Record<string, unknown> = {}) => ({
  id: `event-${id}`,
  course: 'fixture-course',
  module: 'words',
  kind: 'viewed',
  at: '2026-11-29T09:00:00Z',
  ...extra,
});

describe('progress events', async () => {
  const now = new Date('2026-11-29T10:00:00Z');
  const t = await makeTestApp({ now: () => now });

  it('stores each event once however often it is retried', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    const batch = { events: [ev('event-aaaa-1'), ev('event-aaaa-2', { kind: 'completed' })] };
    const first = await t.request('/api/progress/events', { cookie, json: batch });
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ stored: 2, duplicates: 0 });
    const retry = await t.request('/api/progress/events', { cookie, json: batch });
    expect(await retry.json()).toEqual({ stored: 0, duplicates: 2 });
    const rows = await t.deps.db
      .selectFrom('progress_events')
      .select('client_id')
      .where('user_id', '=', user.id)
      .execute();
    expect(rows.map((r) => r.client_id).sort()).toEqual(['event-event-aaaa-1', 'event-event-aaaa-2']);
  });

  it('the same client id from two users is two events', async () => {
    const a = await t.userWithSession('cadet');
    const b = await t.userWithSession('cadet');
    await t.request('/api/progress/events', { cookie: a.cookie, json: { events: [ev('shared-id-1')] } });
    const res = await t.request('/api/progress/events', { cookie: b.cookie, json: { events: [ev('shared-id-1')] } });
    expect((await res.json()).stored).toBe(1);
  });

  it('reports per-course and per-module state with a resume point', async () => {
    const { cookie } = await t.userWithSession('cadet');
    await t.request('/api/progress/events', {
      cookie,
      json: {
        events: [
          ev('p-1'),
          ev('p-2', { kind: 'completed' }),
          ev('p-3', { module: 'response', at: '2026-11-29T09:30:00Z' }),
          ev('p-4', { module: 'response', kind: 'practice', score: 50 }),
          ev('p-5', { module: 'response', kind: 'practice', score: 100 }),
        ],
      },
    });
    const res = await t.request('/api/me/progress', { cookie });
    const { courses } = await res.json();
    expect(courses).toHaveLength(1);
    const c = courses[0];
    expect(c).toMatchObject({
      courseId: 'fixture-course',
      completedModules: 1,
      totalModules: 3,
      percent: 33,
      resumeModule: 'response',
    });
    expect(c.modules[1]).toMatchObject({ id: 'response', viewed: true, completed: false, practiceBest: 100 });
    const one = await (await t.request('/api/me/progress/fixture-course', { cookie })).json();
    expect(one.percent).toBe(33);
  });

  it('anonymous visitors record nothing', async () => {
    const res = await t.request('/api/progress/events', { json: { events: [ev('anon-1')] } });
    expect(res.status).toBe(401);
  });

  it('shifts times from a device whose clock is days off, using sent_at', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    // The account existed before (events are never dated before it was created).
    await t.deps.db
      .updateTable('users')
      .set({ created_at: '2026-11-01T00:00:00.000Z' })
      .where('id', '=', user.id)
      .execute();
    // Device clock 3 days ahead: it says "now" is Dec 2 and the event happened an hour before that.
    const res = await t.request('/api/progress/events', {
      cookie,
      json: { sent_at: '2026-12-02T10:00:00Z', events: [ev('skew-1', { at: '2026-12-02T09:00:00Z' })] },
    });
    expect(res.status).toBe(200);
    const row = await t.deps.db
      .selectFrom('progress_events')
      .select('occurred_at')
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.occurred_at).toBe('2026-11-29T09:00:00.000Z');
  });

  describe('rejects with 400 naming the field', () => {
    const cases: [string, unknown, string][] = [
      ['unknown course', { events: [ev('bad-1', { course: 'nope' })] }, 'events.0.course'],
      ['unknown module', { events: [ev('bad-2', { module: 'nope' })] }, 'events.0.module'],
      ['a timestamp in the future', { events: [ev('bad-3', { at: '2026-11-30T10:00:00Z' })] }, 'events.0.at'],
      [
        'more than 500 events',
        { events: Array.from({ length: 501 }, (_, i) => ev(`bulk-${String(i).padStart(4, '0')}`)) },
        'events',
      ],
      ['a practice event without a score', { events: [ev('bad-4', { kind: 'practice' })] }, 'events.0.score'],
      ['an unknown kind', { events: [ev('bad-5', { kind: 'liked' })] }, 'events.0.kind'],
      ['an empty batch', { events: [] }, 'events'],
    ];
    for (const [name, body, field] of cases) {
      it(name, async () => {
        const { user, cookie } = await t.userWithSession('cadet');
        const res = await t.request('/api/progress/events', { cookie, json: body });
        expect(res.status).toBe(400);
        expect(Object.keys((await res.json()).error.fields)).toContain(field);
        expect(
          await t.deps.db.selectFrom('progress_events').select('id').where('user_id', '=', user.id).execute(),
        ).toEqual([]);
      });
    }
  });

  describe('quotas (issue #19 item 10)', () => {
    const at = (user: { id: number }, iso: string) =>
      t.deps.db.updateTable('users').set({ created_at: iso }).where('id', '=', user.id).execute();
    const batch = (prefix: string, n: number, module = 'words') =>
      Array.from({ length: n }, (_, i) => ev(`${prefix}-${String(i).padStart(5, '0')}`, { module }));

    it(`a learner gets a burst of ${BURST} events, then ${RATE_PER_MINUTE} a minute (429 with Retry-After)`, async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      await at(user, '2026-11-01T00:00:00.000Z');
      const modules = ['words', 'response'];
      for (const [i, m] of modules.entries())
        expect(
          (await t.request('/api/progress/events', { cookie, json: { events: batch(`burst${i}`, MAX_BATCH, m) } }))
            .status,
        ).toBe(200);
      const over = await t.request('/api/progress/events', { cookie, json: { events: batch('over', 1) } });
      expect(over.status).toBe(429);
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      // Another learner is not affected.
      const other = await t.userWithSession('cadet');
      expect(
        (await t.request('/api/progress/events', { cookie: other.cookie, json: { events: batch('o', 1) } })).status,
      ).toBe(200);
    });

    it(`keeps at most ${MAX_EVENTS_PER_MODULE} events per learner and module; the rest are refused by name`, async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      await at(user, '2026-11-01T00:00:00.000Z');
      const rows = Array.from({ length: MAX_EVENTS_PER_MODULE - 1 }, (_, i) => ({
        client_id: `filled-${i}`,
        user_id: user.id,
        course_id: 'fixture-course',
        module_id: 'words',
        kind: 'viewed' as const,
        score: null,
        occurred_at: '2026-11-28T10:00:00.000Z',
        received_at: '2026-11-28T10:00:00.000Z',
      }));
      for (let i = 0; i < rows.length; i += 200)
        await t.deps.db
          .insertInto('progress_events')
          .values(rows.slice(i, i + 200))
          .execute();
      const res = await t.request('/api/progress/events', {
        cookie,
        json: { events: [...batch('last', 1), ...batch('extra', 2), ...batch('elsewhere', 1, 'response')] },
      });
      expect(res.status).toBe(400);
      expect(Object.keys((await res.json()).error.fields)).toEqual(['events.1.module', 'events.2.module']);
      const ok = await t.request('/api/progress/events', {
        cookie,
        json: { events: [...batch('last', 1), ...batch('elsewhere', 1, 'response')] },
      });
      expect(await ok.json()).toEqual({ stored: 2, duplicates: 0 });
    });

    it('event times are never earlier than the first cohort membership, or the account when there is none', async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      await at(user, '2026-11-20T00:00:00.000Z');
      await t.request('/api/progress/events', {
        cookie,
        json: { events: [ev('early-1', { at: '2025-01-01T00:00:00Z' })] },
      });
      const joined = await t.userWithSession('cadet');
      await at(joined.user, '2026-11-01T00:00:00.000Z');
      const cohort = await t.deps.db
        .insertInto('cohorts')
        .values({
          name: 'Г',
          unit: 'У',
          starts_on: null,
          ends_on: null,
          owner_id: user.id,
          created_at: '2026-11-01T00:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await t.deps.db
        .insertInto('cohort_members')
        .values({ cohort_id: cohort.id, user_id: joined.user.id, joined_at: '2026-11-25T08:00:00.000Z' })
        .execute();
      await t.request('/api/progress/events', {
        cookie: joined.cookie,
        json: { events: [ev('early-2', { kind: 'completed', at: '2026-11-02T00:00:00Z' })] },
      });
      const times = await t.deps.db
        .selectFrom('progress_events')
        .select(['user_id', 'occurred_at'])
        .where('user_id', 'in', [user.id, joined.user.id])
        .execute();
      expect(new Map(times.map((r) => [r.user_id, r.occurred_at]))).toEqual(
        new Map([
          [user.id, '2026-11-20T00:00:00.000Z'],
          [joined.user.id, '2026-11-25T08:00:00.000Z'],
        ]),
      );
    });
  });

  describe('mastery: a module counts only with enough study time and a practice pass (issue #18, item 5)', () => {
    const loaded = fixtures().courses.get('fixture-course')!;
    const moduleState = async (cookie: string, id: string) =>
      (await (await t.request('/api/me/progress/fixture-course', { cookie })).json()).modules.find(
        (m: { id: string }) => m.id === id,
      );
    const form = (cookie: string, module: string) =>
      t.request('/api/progress/complete', {
        cookie,
        body: new URLSearchParams({
          course: 'fixture-course',
          module,
          back: `/en/courses/fixture-course/${module}/`,
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });

    it('a bare "completed" mark is stored but does not count, and the answer says what is missing', async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      const res = await t.request('/api/progress/events', {
        cookie,
        json: { events: [ev('bare-1', { module: 'response', kind: 'completed' })] },
      });
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body).toMatchObject({
        stored: 1,
        incomplete: [{ course: 'fixture-course', module: 'response', missing: ['time', 'practice'] }],
      });
      // The response module estimates 20 minutes: its floor is a third, 6 minutes; the practice mark is 80 %.
      expect(body.incomplete[0].message).toContain('at least 6 minutes');
      expect(body.incomplete[0].message).toContain('at least 80 %');
      expect(await moduleState(cookie, 'response')).toMatchObject({
        completed: false,
        status: 'completed-quickly',
        minMinutes: 6,
        practiceRequired: true,
      });
      const stored = await t.deps.db
        .selectFrom('progress_events')
        .select('kind')
        .where('user_id', '=', user.id)
        .execute();
      expect(stored).toEqual([{ kind: 'completed' }]);
    });

    it('enough time but a practice score under the mark does not count; a pass at the mark does', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const events = studyEvents(loaded, { modules: ['response'], practice: 70 });
      const res = await t.request('/api/progress/events', { cookie, json: { events } });
      expect((await res.json()).incomplete).toMatchObject([{ module: 'response', missing: ['practice'] }]);
      expect(await moduleState(cookie, 'response')).toMatchObject({ completed: false, status: 'in-progress' });
      await t.request('/api/progress/events', {
        cookie,
        json: { events: [ev('pass-80', { module: 'response', kind: 'practice', score: 80 })] },
      });
      expect(await moduleState(cookie, 'response')).toMatchObject({ completed: true, status: 'completed' });
    });

    it('study time sums heartbeat gaps, each capped: two views an hour apart are not an hour of study', async () => {
      const { cookie } = await t.userWithSession('cadet');
      await t.request('/api/progress/events', {
        cookie,
        json: {
          events: [
            ev('gap-1', { module: 'check', at: '2026-11-29T08:00:00Z' }),
            ev('gap-2', { module: 'check', at: '2026-11-29T09:00:00Z' }),
            ev('gap-3', { module: 'check', kind: 'practice', score: 100 }),
            ev('gap-4', { module: 'check', kind: 'completed' }),
          ],
        },
      });
      expect(await moduleState(cookie, 'check')).toMatchObject({
        completed: false,
        status: 'completed-quickly',
        minutesSpent: 2,
        minMinutes: 3,
        missing: ['time'],
      });
    });

    it('the course is not completed (no certificate) from bare marks and a passed final', async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      const events = loaded.course.modules.map((m) => ev(`bare-all-${m}`, { module: m, kind: 'completed' }));
      await t.request('/api/progress/events', { cookie, json: { events } });
      const progress = await (await t.request('/api/me/progress/fixture-course', { cookie })).json();
      expect(progress.modulesDone).toBe(false);
      expect(progress.completedModules).toBe(1); // "words" is text-only: no quiz, no measurable time
      expect(await t.deps.db.selectFrom('completions').select('id').where('user_id', '=', user.id).execute()).toEqual(
        [],
      );
    });

    it('a practice pass after an early mark completes the module and, with the final passed, the course', async () => {
      const { user, cookie } = await t.userWithSession('cadet');
      const studied = studyEvents(loaded);
      const late = studied.filter((e) => e.kind === 'practice');
      await t.request('/api/progress/events', {
        cookie,
        json: { events: studied.filter((e) => e.kind !== 'practice') },
      });
      // The final is passed while two modules still lack their practice pass: no completion yet.
      await t.deps.db
        .insertInto('attempts')
        .values({
          id: crypto.randomUUID(),
          user_id: user.id,
          course_id: 'fixture-course',
          content_version: '1.0.0',
          locale: 'uk',
          questions: '[]',
          started_at: '2026-11-29T09:10:00.000Z',
          deadline_at: null,
          submitted_at: '2026-11-29T09:20:00.000Z',
          score: 90,
          passed: 1,
        })
        .execute();
      const completions = () =>
        t.deps.db.selectFrom('completions').select('id').where('user_id', '=', user.id).execute();
      expect(await completions()).toEqual([]);
      const res = await t.request('/api/progress/events', { cookie, json: { events: late } });
      expect(res.status).toBe(200);
      expect(await completions()).toHaveLength(1);
    });

    it('the no-JavaScript form stores the mark and sends the learner to the note that says what is missing', async () => {
      const { cookie } = await t.userWithSession('cadet');
      const bare = await form(cookie, 'response');
      expect(bare.status).toBe(303);
      expect(bare.headers.get('location')).toBe('/en/courses/fixture-course/response/#not-counted-time-practice');
      const studied = studyEvents(loaded, { modules: ['check'] }).filter((e) => e.kind !== 'completed');
      await t.request('/api/progress/events', { cookie, json: { events: studied } });
      const ok = await form(cookie, 'check');
      expect(ok.headers.get('location')).toBe('/en/courses/fixture-course/check/#completed');
      expect(await moduleState(cookie, 'check')).toMatchObject({ completed: true });
    });
  });
});
