/** A person's data: export, erasure (certificates stay verifiable without the name), and no secrets in logs or the audit trail. */
import { describe, expect, it } from 'vitest';
import { rightAnswers } from '../helpers/answers.ts';
import { jsonLogger } from '../../api/log.ts';
import { fixtures, makeTestApp, TEST_PASSWORD } from '../helpers/app.ts';
import { studyEvents } from '../helpers/study.ts';

describe('export and erasure of one person', async () => {
  const lines: string[] = [];
  const t = await makeTestApp({ log: jsonLogger((l) => lines.push(l)) });
  const admin = await t.userWithSession('admin');
  const learner = await t.userWithSession('cadet');
  const pool = new Map(
    fixtures()
      .courses.get('fixture-course')!
      .pool!.map((q) => [q.id, q]),
  );

  // The learner completes the fixture course and gets a certificate.
  const events = studyEvents(fixtures().courses.get('fixture-course')!, { end: new Date(Date.now() - 60_000) });
  expect((await t.request('/api/progress/events', { cookie: learner.cookie, json: { events } })).status).toBe(200);
  const { attempt } = await (
    await t.request('/api/courses/fixture-course/attempts', { cookie: learner.cookie, json: {} })
  ).json();
  const responses = rightAnswers(pool, attempt.questions);
  await t.request(`/api/attempts/${attempt.id}/submit`, { cookie: learner.cookie, json: { responses } });
  const cert = await t.deps.db
    .selectFrom('certificates')
    .selectAll()
    .where('user_id', '=', learner.user.id)
    .executeTakeFirstOrThrow();

  it('exports everything held about the person, without the password hash', async () => {
    const res = await t.request(`/api/admin/users/${learner.user.id}/export`, { cookie: admin.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment/);
    const data = await res.json();
    expect(data.account.email).toBe(learner.user.email);
    expect(data.account).not.toHaveProperty('password_hash');
    expect(data.progress_events.length).toBeGreaterThanOrEqual(3);
    expect(data.attempts[0].responses).toHaveLength(attempt.questions.length);
    expect(data.attempts[0]).toMatchObject({ finished_by: 'learner', late: null, saved_answers: [] });
    expect(data.certificates[0].code).toBe(cert.code);
    expect(data.cohort_invitations).toEqual([]);
    expect(JSON.stringify(data)).not.toContain('$argon2id');
  });

  it('only admins may export or erase', async () => {
    const instructor = await t.userWithSession('instructor');
    expect((await t.request(`/api/admin/users/${learner.user.id}/export`, { cookie: instructor.cookie })).status).toBe(
      403,
    );
    expect(
      (
        await t.request(`/api/admin/users/${learner.user.id}/erase`, {
          cookie: learner.cookie,
          json: { confirm_email: learner.user.email },
        })
      ).status,
    ).toBe(403);
  });

  it('erases personal data on confirmation; the certificate still verifies as issued, without the name', async () => {
    const wrong = await t.request(`/api/admin/users/${learner.user.id}/erase`, {
      cookie: admin.cookie,
      json: { confirm_email: 'someone@else.ua' },
    });
    expect(wrong.status).toBe(400);
    const res = await t.request(`/api/admin/users/${learner.user.id}/erase`, {
      cookie: admin.cookie,
      json: { confirm_email: learner.user.email },
    });
    expect(res.status).toBe(200);
    const user = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', learner.user.id)
      .executeTakeFirstOrThrow();
    expect(user.full_name).toBe('');
    expect(user.email).not.toContain(learner.user.email.split('@')[0]!);
    expect(user.erased_at).not.toBeNull();
    for (const table of ['progress_events', 'attempts', 'sessions', 'cohort_members'] as const) {
      expect(
        await t.deps.db.selectFrom(table).select('user_id').where('user_id', '=', learner.user.id).execute(),
        table,
      ).toEqual([]);
    }
    expect((await t.request('/api/me', { cookie: learner.cookie })).status).toBe(401);
    expect(
      (await t.request('/api/auth/login', { json: { email: learner.user.email, password: TEST_PASSWORD } })).status,
    ).toBe(401);
    const verify = await (await t.request(`/api/verify/${cert.code}`)).json();
    expect(verify).toMatchObject({ status: 'valid', name: null, holder_erased: true });
    expect(JSON.stringify(verify)).not.toContain(learner.user.full_name);
    expect((await t.request(`/api/certificates/${cert.code}.pdf`, { cookie: admin.cookie })).status).toBe(410);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('event')
      .where('target', '=', `user:${learner.user.id}`)
      .execute();
    expect(audit.map((a) => a.event)).toEqual(expect.arrayContaining(['user.exported', 'user.erased']));
  });

  it('logs and audit entries hold no passwords, tokens or answer keys', async () => {
    const audit = JSON.stringify(await t.deps.db.selectFrom('audit_log').selectAll().execute());
    const logs = lines.join('\n');
    const sessions = [admin.cookie, learner.cookie].map((c) => c.split('=')[1]!);
    for (const secret of [TEST_PASSWORD, ...sessions, ...[...pool.values()].map((q) => q.en.explanation)]) {
      expect(audit).not.toContain(secret);
      expect(logs).not.toContain(secret);
    }
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('erasure reaches the audit trail', async () => {
  const t = await makeTestApp({ config: { trustProxy: true } });
  const admin = await t.userWithSession('admin');
  const person = await t.createUser('cadet', `vanish-${crypto.randomUUID().slice(0, 8)}@test.ua`, 'Стерта Особа');
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it("scrubs the person's email, printed names and addresses from rows by or about them, and keeps others' rows", async () => {
    const login = (email: string, password: string, ip: string) =>
      t.request('/api/auth/login', { json: { email, password }, headers: from(ip) });
    expect((await login(person.email, 'not the password', '198.51.100.7')).status).toBe(401);
    expect((await login(person.email.toUpperCase(), 'not the password', '198.51.100.7')).status).toBe(401);
    expect((await login(person.email, TEST_PASSWORD, '198.51.100.7')).status).toBe(200);
    expect((await login('someone-else@test.ua', 'not the password', '192.0.2.44')).status).toBe(401);
    const renamed = await t.request(`/api/admin/users/${person.id}`, {
      method: 'PATCH',
      cookie: admin.cookie,
      json: { full_name: 'Нове Імʼя Особи' },
    });
    expect(renamed.status).toBe(200);
    const before = JSON.stringify(await t.deps.db.selectFrom('audit_log').selectAll().execute());
    expect(before).toContain(person.email);
    expect(before).toContain('198.51.100.7');
    expect(before).toContain('Нове Імʼя Особи');

    const erased = await t.request(`/api/admin/users/${person.id}/erase`, {
      cookie: admin.cookie,
      json: { confirm_email: person.email },
    });
    expect(erased.status).toBe(200);
    const rows = await t.deps.db.selectFrom('audit_log').selectAll().execute();
    const after = JSON.stringify(rows);
    for (const gone of [person.email, person.email.split('@')[0]!, '198.51.100.7', 'Стерта Особа', 'Нове Імʼя Особи'])
      expect(after, gone).not.toContain(gone);
    // What happened stays: the failed logins are still there, now about `user:<id>` (the two typings
    // of the address share one row: failures are written once per account, address and window).
    expect(rows.filter((r) => r.event === 'login.failed' && r.target === `user:${person.id}`)).toHaveLength(1);
    expect(rows.find((r) => r.target === 'someone-else@test.ua')?.ip).toBe('192.0.2.44');
  });
});
