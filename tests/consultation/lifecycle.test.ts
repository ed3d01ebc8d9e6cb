/** The consultation life-cycle through the API (issue #24): request, claim, reply, close, rate; and bad input. */
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';
import { json, openRequest, supervisor } from './helpers.ts';

describe('consultation life-cycle', async () => {
  let clock = new Date('2026-12-07T09:00:00Z'); // a Monday
  const t = await makeTestApp({ now: () => clock });
  const officer = await t.userWithSession('officer');
  const sup = await supervisor(t, { topics: ['digital-evidence', 'child-interview'], oblasts: ['UA-46'] });
  const other = await supervisor(t, { topics: ['digital-evidence'], oblasts: ['UA-46'] });
  const outside = await supervisor(t, { topics: ['legal-qualification'], oblasts: ['UA-46'] });

  it("offers the request form's topics and the 27 oblasts by their ISO codes, in both languages", async () => {
    const meta = await json(await t.request('/api/consultations/meta', { cookie: officer.cookie }));
    expect(meta.oblasts).toHaveLength(27);
    expect(meta.oblasts).toContainEqual({
      code: 'UA-74',
      name: { uk: 'Чернігівська область', en: 'Chernihiv Oblast' },
    });
    expect(meta.topics.length).toBeGreaterThan(3);
  });

  it('runs request → claim → reply → reply → close with a rating, with notifications and emails on the way', async () => {
    const id = await openRequest(t, officer.cookie, { course_id: 'fixture-course', module_id: 'words' });
    // Routine: 3 working days → Thursday, same time.
    const mine = await json(await t.request('/api/consultations/mine', { cookie: officer.cookie }));
    expect(mine.consultations[0]).toMatchObject({
      id,
      status: 'open',
      due_at: '2026-12-10T09:00:00.000Z',
      overdue: false,
    });

    const queue = await json(await t.request('/api/consultations/queue', { cookie: sup.cookie }));
    expect(queue.open.map((r: { id: number }) => r.id)).toContain(id);
    const outQueue = await json(await t.request('/api/consultations/queue', { cookie: outside.cookie }));
    expect(outQueue.open.map((r: { id: number }) => r.id)).not.toContain(id);

    expect((await t.request(`/api/consultations/${id}/claim`, { method: 'POST', cookie: sup.cookie })).status).toBe(
      200,
    );
    // Someone else cannot take it now.
    const again = await t.request(`/api/consultations/${id}/claim`, { method: 'POST', cookie: other.cookie });
    expect(again.status).toBe(409);

    clock = new Date('2026-12-07T15:30:00Z');
    const reply = await t.request(`/api/consultations/${id}/messages`, {
      cookie: sup.cookie,
      json: { body: 'Переведіть телефон у режим польоту, сфотографуйте екран, упакуйте в пакет Фарадея.' },
    });
    expect(reply.status).toBe(201);
    const back = await t.request(`/api/consultations/${id}/messages`, {
      cookie: officer.cookie,
      json: { body: 'Дякую, а якщо телефон заблоковано?' },
    });
    expect(back.status).toBe(201);

    const thread = await json(await t.request(`/api/consultations/${id}`, { cookie: officer.cookie }));
    expect(thread.messages.map((m: { from: string }) => m.from)).toEqual(['requester', 'supervisor', 'requester']);
    expect(thread.messages[1].body).toContain('Фарадея');
    expect(thread.consultation.first_response_at).toBe('2026-12-07T15:30:00.000Z');

    // The officer's bell: claimed + reply.
    const bell = await json(await t.request('/api/notifications', { cookie: officer.cookie }));
    expect(bell.unread).toBe(2);
    expect(bell.notifications.map((n: { kind: string }) => n.kind).sort()).toEqual([
      'consultation.claimed',
      'consultation.reply',
    ]);
    const mails = await t.deps.db
      .selectFrom('email_outbox')
      .selectAll()
      .where('user_id', '=', officer.user.id)
      .execute();
    expect(mails.map((m) => m.kind).sort()).toEqual(['consultation.claimed', 'consultation.reply']);
    // Emails never carry the thread's text.
    for (const m of mails) expect(m.body_text).not.toMatch(/Фарадея|телефон/);
    expect((await t.request('/api/notifications/read', { method: 'POST', cookie: officer.cookie })).status).toBe(200);
    expect((await json(await t.request('/api/notifications', { cookie: officer.cookie }))).unread).toBe(0);

    const close = await t.request(`/api/consultations/${id}/close`, {
      cookie: officer.cookie,
      json: { rating: 'helped' },
    });
    expect(close.status).toBe(200);
    const closed = await json(await t.request('/api/consultations/mine', { cookie: officer.cookie }));
    expect(closed.consultations[0]).toMatchObject({ status: 'closed', rating: 'helped' });

    // A closed thread takes no more replies, from either side.
    for (const cookie of [officer.cookie, sup.cookie]) {
      const late = await t.request(`/api/consultations/${id}/messages`, { cookie, json: { body: 'ще одне' } });
      expect(late.status).toBe(409);
    }
    expect(
      (await t.request(`/api/consultations/${id}/close`, { cookie: officer.cookie, json: { rating: 'partly' } }))
        .status,
    ).toBe(409);

    // The dashboard: median first response 6.5 h.
    const dash = await json(await t.request('/api/consultations/dashboard', { cookie: sup.cookie }));
    expect(dash.median_first_response_hours).toBe(6.5);
    expect(dash.answered_90d).toBe(1);
  });

  it('releases and reassigns only within scope', async () => {
    const id = await openRequest(t, officer.cookie);
    expect((await t.request(`/api/consultations/${id}/claim`, { method: 'POST', cookie: sup.cookie })).status).toBe(
      200,
    );
    const bad = await t.request(`/api/consultations/${id}/reassign`, {
      cookie: sup.cookie,
      json: { supervisor_id: outside.user.id },
    });
    expect(bad.status).toBe(409);
    expect((await json(bad)).error.message).toMatch(/scope/);
    const good = await t.request(`/api/consultations/${id}/reassign`, {
      cookie: sup.cookie,
      json: { supervisor_id: other.user.id },
    });
    expect(good.status).toBe(200);
    // The first supervisor no longer holds it: cannot release or reply.
    expect((await t.request(`/api/consultations/${id}/release`, { method: 'POST', cookie: sup.cookie })).status).toBe(
      404,
    );
    expect((await t.request(`/api/consultations/${id}/release`, { method: 'POST', cookie: other.cookie })).status).toBe(
      200,
    );
    const queue = await json(await t.request('/api/consultations/queue', { cookie: sup.cookie }));
    expect(queue.open.map((r: { id: number }) => r.id)).toContain(id);
  });

  it('refuses a supervisor outside the scope (topic or oblast) without saying the request exists', async () => {
    const id = await openRequest(t, officer.cookie, { oblast: 'UA-63' });
    for (const s of [sup, outside]) {
      const res = await t.request(`/api/consultations/${id}/claim`, { method: 'POST', cookie: s.cookie });
      expect(res.status).toBe(404);
      expect((await t.request(`/api/consultations/${id}`, { cookie: s.cookie })).status).toBe(404);
    }
  });

  it("refuses replies to someone else's thread", async () => {
    const id = await openRequest(t, officer.cookie);
    const stranger = await t.userWithSession('officer');
    const res = await t.request(`/api/consultations/${id}/messages`, {
      cookie: stranger.cookie,
      json: { body: 'привіт' },
    });
    expect(res.status).toBe(404);
    expect((await t.request(`/api/consultations/${id}`, { cookie: stranger.cookie })).status).toBe(404);
    expect((await t.request(`/api/consultations/${id}`, { method: 'DELETE', cookie: stranger.cookie })).status).toBe(
      404,
    );
    expect(
      (await t.request(`/api/consultations/${id}/close`, { cookie: stranger.cookie, json: { rating: 'helped' } }))
        .status,
    ).toBe(404);
    // An unclaimed thread: the in-scope supervisor may read but not reply.
    expect(
      (await t.request(`/api/consultations/${id}/messages`, { cookie: sup.cookie, json: { body: 'x' } })).status,
    ).toBe(404);
  });

  it('answers bad input with clear 4xx errors, never a 500', async () => {
    const cases: [unknown, number, RegExp][] = [
      [{ topic: 'digital-evidence', description: '', urgency: 'routine', oblast: 'UA-46' }, 400, /description/],
      [{ topic: 'digital-evidence', description: 'x'.repeat(4001), urgency: 'routine', oblast: 'UA-46' }, 400, /4000/],
      [{ topic: 'astrology', description: 'питання', urgency: 'routine', oblast: 'UA-46' }, 400, /topic/],
      [{ topic: 'digital-evidence', description: 'питання', urgency: 'now', oblast: 'UA-46' }, 400, /urgency/],
      [{ topic: 'digital-evidence', description: 'питання', urgency: 'routine', oblast: 'UA-99' }, 400, /oblast/],
      [
        { topic: 'digital-evidence', description: 'питання', urgency: 'routine', oblast: 'UA-46', course_id: 'nope' },
        400,
        /course/,
      ],
      [
        { topic: 'digital-evidence', description: 'питання', urgency: 'routine', oblast: 'UA-46', extra: 1 },
        400,
        /extra/,
      ],
      [
        {
          topic: 'digital-evidence',
          description: 'Дитина Марія Петренко, тел. 067 123 45 67',
          urgency: 'routine',
          oblast: 'UA-46',
        },
        422,
        /identifying|phone/,
      ],
    ];
    for (const [body, status, message] of cases) {
      const res = await t.request('/api/consultations', { cookie: officer.cookie, json: body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
      expect(JSON.stringify(await res.json())).toMatch(message);
    }
    const long = await t.request('/api/consultations/1/messages', {
      cookie: officer.cookie,
      json: { body: 'я'.repeat(4001) },
    });
    expect(long.status).toBe(400);
    const empty = await t.request('/api/consultations/1/messages', { cookie: officer.cookie, json: { body: '   ' } });
    expect(empty.status).toBe(400);
  });

  it('stores that flagged text was confirmed as not about the child', async () => {
    const id = await openRequest(t, officer.cookie, {
      description: 'Мій колега Андрій Коваленко радив звернутися сюди; чи треба повідомляти ЮНІСЕФ?',
      confirm_not_identifying: true,
    });
    const row = await t.deps.db
      .selectFrom('consultation_messages')
      .selectAll()
      .where('consultation_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.identifying_confirmed).toBe(1);
    // Stored encrypted: the text is not in the row.
    expect(row.body_enc).not.toContain('Коваленко');
  });

  it('lets the owner delete their thread at any time', async () => {
    const id = await openRequest(t, officer.cookie);
    expect((await t.request(`/api/consultations/${id}`, { method: 'DELETE', cookie: officer.cookie })).status).toBe(
      200,
    );
    expect(
      await t.deps.db.selectFrom('consultation_messages').selectAll().where('consultation_id', '=', id).execute(),
    ).toEqual([]);
    expect((await t.request(`/api/consultations/${id}`, { cookie: officer.cookie })).status).toBe(404);
  });

  it('flags an urgent request overdue after 24 hours and notifies the supervisors in scope once', async () => {
    const { flagOverdue } = await import('../../api/consultation/jobs.ts');
    clock = new Date('2026-12-08T10:00:00Z');
    const id = await openRequest(t, officer.cookie, { urgency: 'urgent' });
    clock = new Date('2026-12-09T10:00:01Z');
    const queue = await json(await t.request('/api/consultations/queue', { cookie: sup.cookie }));
    expect(queue.open.find((r: { id: number }) => r.id === id)?.overdue).toBe(true);
    await flagOverdue(t.deps);
    await flagOverdue(t.deps);
    const n = await t.deps.db
      .selectFrom('notifications')
      .selectAll()
      .where('consultation_id', '=', id)
      .where('kind', '=', 'consultation.overdue')
      .execute();
    expect(n.map((x) => x.user_id).sort()).toEqual([sup.user.id, other.user.id].sort());
    const dash = await json(await t.request('/api/consultations/dashboard', { cookie: sup.cookie }));
    expect(dash.overdue).toBeGreaterThanOrEqual(1);
  });
});
