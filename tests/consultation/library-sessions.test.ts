/** Case notes (second-supervisor review, library search) and group supervision (capacity, attendance → hours). */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';
import { json, openRequest, supervisor } from './helpers.ts';

const NOTE =
  'Офіцер отримав від матері телефон дитини з листуванням. Радили: режим польоту, фото екрана, пакет, протокол огляду за згодою власника.';

describe('case notes', async () => {
  const clock = new Date('2026-12-07T09:00:00Z');
  const t = await makeTestApp({ now: () => clock });
  const officer = await t.userWithSession('officer');
  const author = await supervisor(t);
  const reviewer = await supervisor(t);
  const id = await openRequest(t, officer.cookie, { course_id: 'fixture-course', module_id: 'words' });

  it('are written from a closed consultation, reviewed by a second supervisor, then searchable by every learner', async () => {
    await t.request(`/api/consultations/${id}/claim`, { method: 'POST', cookie: author.cookie });
    const early = await t.request('/api/case-notes', {
      cookie: author.cookie,
      json: { consultation_id: id, locale: 'uk', title: 'Телефон від матері', body: NOTE },
    });
    expect(early.status).toBe(409); // not closed yet
    await t.request(`/api/consultations/${id}/close`, { cookie: officer.cookie, json: { rating: 'helped' } });
    // The author finds it among the closed requests they answered; the other supervisor does not.
    const answered = async (cookie: string) =>
      (await json(await t.request('/api/consultations/answered', { cookie }))).consultations as {
        id: number;
        has_note: boolean;
      }[];
    expect((await answered(author.cookie)).map((c) => [c.id, c.has_note])).toEqual([[id, false]]);
    expect(await answered(reviewer.cookie)).toEqual([]);
    expect((await t.request('/api/consultations/answered', { cookie: officer.cookie })).status).toBe(403);
    // Identifying data in a note is refused outright.
    const named = await t.request('/api/case-notes', {
      cookie: author.cookie,
      json: {
        consultation_id: id,
        locale: 'uk',
        title: 'Телефон від матері',
        body: `${NOTE} Дитина — Софія Ткаченко.`,
      },
    });
    expect(named.status).toBe(422);
    const res = await t.request('/api/case-notes', {
      cookie: author.cookie,
      json: { consultation_id: id, locale: 'uk', title: 'Телефон від матері', body: NOTE },
    });
    expect(res.status).toBe(201);
    const noteId = (await json(res)).id as number;
    expect((await answered(author.cookie)).map((c) => [c.id, c.has_note])).toEqual([[id, true]]);
    // Not public before review; the author cannot review their own note.
    expect((await json(await t.request('/api/case-notes', { cookie: officer.cookie }))).notes).toEqual([]);
    expect((await t.request(`/api/case-notes/${noteId}`, { cookie: officer.cookie })).status).toBe(404);
    expect(
      (await t.request(`/api/case-notes/${noteId}/review`, { cookie: author.cookie, json: { approve: true } })).status,
    ).toBe(409);
    // Returned, rewritten, approved.
    expect(
      (
        await t.request(`/api/case-notes/${noteId}/review`, {
          cookie: reviewer.cookie,
          json: { approve: false, comment: 'коротше' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request(`/api/case-notes/${noteId}`, {
          method: 'PUT',
          cookie: author.cookie,
          json: { title: 'Телефон, переданий матір’ю', body: NOTE },
        })
      ).status,
    ).toBe(200);
    expect(
      (await t.request(`/api/case-notes/${noteId}/review`, { cookie: reviewer.cookie, json: { approve: true } }))
        .status,
    ).toBe(200);
    const lib = await json(await t.request('/api/case-notes?q=ПАКЕТ&module_id=words', { cookie: officer.cookie }));
    expect(lib.notes.map((n: { id: number }) => n.id)).toEqual([noteId]);
    // The note never names the consultation it came from, nor anyone.
    expect(Object.keys(lib.notes[0]).sort()).toEqual([
      'body',
      'course_id',
      'id',
      'locale',
      'module_id',
      'published_at',
      'title',
      'topic',
    ]);
    expect((await json(await t.request('/api/case-notes?q=відсутнєслово', { cookie: officer.cookie }))).notes).toEqual(
      [],
    );
    // Deleting the thread keeps the published note.
    await t.request(`/api/consultations/${id}`, { method: 'DELETE', cookie: officer.cookie });
    expect((await t.request(`/api/case-notes/${noteId}`, { cookie: officer.cookie })).status).toBe(200);
  });
});

describe('group supervision', async () => {
  let clock = new Date('2026-12-07T09:00:00Z');
  const t = await makeTestApp({ now: () => clock });
  const sup = await supervisor(t);
  const a = await t.userWithSession('officer');
  const b = await t.userWithSession('cadet');
  const c = await t.userWithSession('officer');

  it('fills to capacity, refuses the next one, lets people cancel, and counts attendance as hours', async () => {
    const res = await t.request('/api/supervision/sessions', {
      cookie: sup.cookie,
      json: {
        title: 'Вторинна травматизація',
        starts_at: '2026-12-09T14:00:00Z',
        duration_minutes: 90,
        format: 'online',
        place: 'https://meet.example.ua/abc',
        capacity: 2,
        oblast: 'UA-46',
      },
    });
    expect(res.status).toBe(201);
    const sid = (await json(res)).id as number;
    // The supervisor's own sessions (for attendance); nobody else's, and not for learners.
    const led = await json(await t.request('/api/supervision/sessions/led', { cookie: sup.cookie }));
    expect(led.sessions.map((x: { id: number; signed_up: number }) => [x.id, x.signed_up])).toEqual([[sid, 0]]);
    const other = await supervisor(t);
    expect((await json(await t.request('/api/supervision/sessions/led', { cookie: other.cookie }))).sessions).toEqual(
      [],
    );
    expect((await t.request('/api/supervision/sessions/led', { cookie: a.cookie })).status).toBe(403);
    expect(
      (await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: a.cookie })).status,
    ).toBe(201);
    expect(
      (await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: a.cookie })).status,
    ).toBe(409);
    expect(
      (await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: b.cookie })).status,
    ).toBe(201);
    const full = await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: c.cookie });
    expect(full.status).toBe(409);
    expect((await json(full)).error.message).toMatch(/full/);
    expect(
      (await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'DELETE', cookie: b.cookie })).status,
    ).toBe(200);
    expect(
      (await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: c.cookie })).status,
    ).toBe(201);

    // Reminders a day ahead, once.
    const { remindSessions } = await import('../../api/consultation/jobs.ts');
    clock = new Date('2026-12-08T15:00:00Z');
    expect(await remindSessions(t.deps)).toBe(1);
    expect(await remindSessions(t.deps)).toBe(0);
    expect((await json(await t.request('/api/notifications', { cookie: a.cookie }))).unread).toBe(1);

    // Attendance only after it starts, only for those signed up.
    const early = await t.request(`/api/supervision/sessions/${sid}/attendance`, {
      method: 'PUT',
      cookie: sup.cookie,
      json: { attendance: [{ user_id: a.user.id, attended: true }] },
    });
    expect(early.status).toBe(409);
    clock = new Date('2026-12-09T16:00:00Z');
    const stranger = await t.request(`/api/supervision/sessions/${sid}/attendance`, {
      method: 'PUT',
      cookie: sup.cookie,
      json: { attendance: [{ user_id: b.user.id, attended: true }] },
    });
    expect(stranger.status).toBe(409);
    const ok = await t.request(`/api/supervision/sessions/${sid}/attendance`, {
      method: 'PUT',
      cookie: sup.cookie,
      json: {
        attendance: [
          { user_id: a.user.id, attended: true },
          { user_id: c.user.id, attended: false },
        ],
      },
    });
    expect(ok.status).toBe(200);
    const mine = await json(await t.request('/api/supervision/mine', { cookie: await t.login(a.user.email) }));
    expect(mine.development).toEqual({ sessions: 1, hours: 1.5 });
    const figures = await json(await t.request('/api/supervision/figures', { cookie: await t.login(sup.user.email) }));
    // One officer's hours: the supervisor's figures leave the oblast out (fewer than 5 people); an admin's have it.
    expect(figures).toEqual({ by_oblast: [], suppressed: 1 });
    const admin = await json(
      await t.request('/api/supervision/figures', { cookie: (await t.userWithSession('admin')).cookie }),
    );
    expect(admin.by_oblast).toEqual([{ oblast: 'UA-46', attendances: 1, hours: 1.5 }]);
  });
  it('a supervisor cancels a session they lead before it starts, and everyone signed up is told', async () => {
    clock = new Date('2026-12-10T09:00:00Z');
    const lead = await t.login(sup.user.email);
    const schedule = async (starts_at: string) =>
      (
        await json(
          await t.request('/api/supervision/sessions', {
            cookie: lead,
            json: {
              title: 'Робота з батьками',
              starts_at,
              duration_minutes: 60,
              format: 'online',
              place: 'https://meet.example.ua/xyz',
              capacity: 10,
              oblast: 'UA-46',
            },
          }),
        )
      ).id as number;
    const sid = await schedule('2026-12-12T10:00:00Z');
    const [ca, cc] = [await t.login(a.user.email), await t.login(c.user.email)];
    for (const cookie of [ca, cc])
      expect((await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie })).status).toBe(201);
    const cancel = (cookie: string, id = sid) =>
      t.request(`/api/supervision/sessions/${id}/cancel`, { method: 'POST', cookie });
    // Only the supervisor who leads it: another supervisor does not even learn it exists; a learner may not.
    const rival = await supervisor(t);
    expect((await cancel(rival.cookie)).status).toBe(404);
    expect((await cancel(ca)).status).toBe(403);
    const done = await cancel(lead);
    expect(done.status).toBe(200);
    expect(await json(done)).toEqual({ cancelled: true, told: 2 });
    // Gone from the upcoming list; no new sign-ups; a second cancel is a conflict.
    const upcoming = await json(await t.request('/api/supervision/sessions', { cookie: ca }));
    expect(upcoming.sessions.map((x: { id: number }) => x.id)).not.toContain(sid);
    expect((await t.request(`/api/supervision/sessions/${sid}/signup`, { method: 'POST', cookie: ca })).status).toBe(
      404,
    );
    expect((await cancel(lead)).status).toBe(409);
    // Both learners were told (the bell); the learner not signed up was not.
    for (const cookie of [ca, cc]) {
      const bell = await json(await t.request('/api/notifications', { cookie }));
      expect(bell.notifications.filter((n: { kind: string }) => n.kind === 'session.cancelled')).toHaveLength(1);
    }
    const bystander = await json(await t.request('/api/notifications', { cookie: await t.login(b.user.email) }));
    expect(bystander.notifications.some((n: { kind: string }) => n.kind === 'session.cancelled')).toBe(false);
    // A session that has started cannot be cancelled.
    const started = await schedule('2026-12-10T12:00:00Z');
    clock = new Date('2026-12-10T12:30:00Z');
    const late = await cancel(await t.login(sup.user.email), started);
    expect(late.status).toBe(409);
    expect((await json(late)).error.message).toMatch(/already started/);
  });
});
