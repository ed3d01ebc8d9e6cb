/**
 * An instructor sees only learners who joined their cohort (issue #19 item 2, ASVS 5.0 8.2.2): a CSV
 * import invites existing accounts instead of adding them, the learner accepts when signed in, and
 * even then the instructor sees only what the learner did after joining. The dry run tells nothing
 * about which emails have accounts.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const t: TestApp = await makeTestApp();
const COURSE = 'fixture-course';
const rival = await t.userWithSession('instructor');
const home = await t.userWithSession('instructor');
const admin = await t.userWithSession('admin');

async function cohortOf(cookie: string, name: string) {
  const id = (await (await t.request('/api/cohorts', { cookie, json: { name, unit: 'ХНУВС' } })).json()).cohort
    .id as number;
  await t.request(`/api/cohorts/${id}/courses/${COURSE}`, { method: 'PUT', cookie, json: {} });
  // The course has been the cohort's since the start of the year (the hand-made history comes after).
  await t.deps.db
    .updateTable('cohort_courses')
    .set({ assigned_at: '2026-01-01T00:00:00.000Z' })
    .where('cohort_id', '=', id)
    .execute();
  return id;
}
const importCsv = (id: number, csv: string, confirm: boolean, cookie: string) =>
  t.request(`/api/cohorts/${id}/import`, { cookie, json: { csv, confirm } });
const members = async (id: number, cookie: string) =>
  ((await (await t.request(`/api/cohorts/${id}/members`, { cookie })).json()).members as { id: number }[]).map(
    (m) => m.id,
  );

/** A submitted attempt made at `at` (the learner's work in their home cohort). */
async function pastAttempt(userId: number, at: string) {
  const id = crypto.randomUUID();
  await t.deps.db
    .insertInto('attempts')
    .values({
      id,
      user_id: userId,
      course_id: COURSE,
      content_version: '1',
      locale: 'uk',
      questions: JSON.stringify([{ id: 'g-single', order: [] }]),
      started_at: at,
      deadline_at: null,
      submitted_at: at,
      score: 40,
      passed: 0,
    })
    .execute();
  await t.deps.db
    .insertInto('attempt_responses')
    .values({ attempt_id: id, question_id: 'g-single', response: '"c"', score: 0 })
    .execute();
  return id;
}

describe('CSV import of an existing learner by another instructor', async () => {
  const learner = await t.userWithSession('cadet');
  const homeCohort = await cohortOf(home.cookie, 'Рідна група');
  await t.deps.db
    .insertInto('cohort_members')
    .values({ cohort_id: homeCohort, user_id: learner.user.id, joined_at: '2026-01-01T00:00:00.000Z' })
    .execute();
  const attemptId = await pastAttempt(learner.user.id, '2026-02-01T10:00:00.000Z');
  const rivalCohort = await cohortOf(rival.cookie, 'Чужа група');

  it('does not add them: it invites them, and nothing of theirs is visible to the importer', async () => {
    const r = await (
      await importCsv(rivalCohort, `full_name,email\nБудь-хто,${learner.user.email}\n`, true, rival.cookie)
    ).json();
    expect(r).toMatchObject({ written: true, created: 0, added: 0, invited: 1 });
    expect(await members(rivalCohort, rival.cookie)).toEqual([]);
    expect(
      (await t.request(`/api/reports/cohorts/${rivalCohort}/learners/${learner.user.id}`, { cookie: rival.cookie }))
        .status,
    ).toBe(404);
    expect((await t.request(`/api/attempts/${attemptId}`, { cookie: rival.cookie })).status).toBe(403);
    const csv = await (
      await t.request(`/api/reports/cohorts/${rivalCohort}/responses.csv`, { cookie: rival.cookie })
    ).text();
    expect(csv).not.toContain(attemptId);
    // The home instructor still sees the attempt made in their cohort.
    expect((await t.request(`/api/attempts/${attemptId}`, { cookie: home.cookie })).status).toBe(200);
  });

  it('the learner sees the invitation and accepts it; only someone else cannot accept it for them', async () => {
    const list = await (await t.request('/api/me/invitations', { cookie: learner.cookie })).json();
    expect(list.invitations).toEqual([
      expect.objectContaining({ cohort_id: rivalCohort, cohort_name: 'Чужа група', instructor: 'Тест instructor' }),
    ]);
    const inv = list.invitations[0].id as number;
    const stranger = await t.userWithSession('cadet');
    expect((await t.request(`/api/me/invitations/${inv}/accept`, { cookie: stranger.cookie, json: {} })).status).toBe(
      404,
    );
    expect((await t.request(`/api/me/invitations/${inv}/accept`, { cookie: rival.cookie, json: {} })).status).toBe(403);
    const ok = await t.request(`/api/me/invitations/${inv}/accept`, { cookie: learner.cookie, json: {} });
    expect(ok.status).toBe(200);
    expect(await members(rivalCohort, rival.cookie)).toEqual([learner.user.id]);
    expect((await t.request(`/api/me/invitations/${inv}/accept`, { cookie: learner.cookie, json: {} })).status).toBe(
      404,
    );
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'target'])
      .where('event', '=', 'cohort.invitation_accepted')
      .execute();
    expect(audit).toEqual([{ actor_id: learner.user.id, target: `cohort:${rivalCohort}` }]);
  });

  it('after joining, the new instructor sees the learner but not the work done before they joined', async () => {
    const drill = await t.request(`/api/reports/cohorts/${rivalCohort}/learners/${learner.user.id}`, {
      cookie: rival.cookie,
    });
    expect(drill.status).toBe(200);
    const body = await drill.json();
    expect(body.courses.flatMap((c: { attempts: unknown[] }) => c.attempts)).toEqual([]);
    expect(JSON.stringify(body)).not.toContain(attemptId);
    expect((await t.request(`/api/attempts/${attemptId}`, { cookie: rival.cookie })).status).toBe(403);
    const items = await (await t.request(`/api/reports/cohorts/${rivalCohort}/items`, { cookie: rival.cookie })).json();
    expect(items.courses.every((c: { attempts: number }) => c.attempts === 0)).toBe(true);
    const csv = await (
      await t.request(`/api/reports/cohorts/${rivalCohort}/responses.csv`, { cookie: rival.cookie })
    ).text();
    expect(csv).not.toContain(attemptId);
    // Work done after joining is theirs to see.
    const later = await pastAttempt(learner.user.id, new Date(Date.now() + 60_000).toISOString());
    expect((await t.request(`/api/attempts/${later}`, { cookie: rival.cookie })).status).toBe(200);
  });

  it('an admin still adds an existing account directly', async () => {
    const other = await t.userWithSession('cadet');
    const r = await (
      await importCsv(rivalCohort, `full_name,email\nХто завгодно,${other.user.email}\n`, true, admin.cookie)
    ).json();
    expect(r).toMatchObject({ written: true, created: 0, added: 1 });
    expect(await members(rivalCohort, rival.cookie)).toContain(other.user.id);
  });
});

describe('the dry run tells an instructor nothing about accounts', async () => {
  const cohort = await cohortOf(rival.cookie, 'Перевірка');
  const learner = await t.createUser('cadet');
  const staff = await t.createUser('instructor');
  const off = await t.createUser('officer');
  await t.deps.db.updateTable('users').set({ active: 0 }).where('id', '=', off.id).execute();
  const emails = ['nobody-here@test.ua', learner.email, staff.email, off.email];

  it('answers alike for a new email, a learner, a staff account and a deactivated account', async () => {
    const answers = [];
    for (const email of emails) {
      const r = await (
        await importCsv(cohort, `full_name,email,role\nОдна Особа,${email},cadet\n`, false, rival.cookie)
      ).json();
      answers.push(JSON.stringify({ ...r, accepted: r.accepted.map((a: object) => ({ ...a, email: '' })) }));
    }
    expect(new Set(answers).size, answers.join('\n')).toBe(1);
    expect(JSON.parse(answers[0]!)).toMatchObject({ valid: 1, rejected: [] });
    expect(JSON.parse(answers[0]!)).not.toHaveProperty('new_accounts');
  });

  it('confirming never invites staff or deactivated accounts, and says the same as for a learner', async () => {
    const r = await (
      await importCsv(
        cohort,
        `full_name,email\nА,${staff.email}\nБ,${off.email}\nВ,${learner.email}\n`,
        true,
        rival.cookie,
      )
    ).json();
    expect(r).toMatchObject({ written: true, created: 0, added: 0, invited: 3 });
    const invited = await t.deps.db
      .selectFrom('cohort_invitations')
      .select('user_id')
      .where('cohort_id', '=', cohort)
      .execute();
    expect(invited).toEqual([{ user_id: learner.id }]);
  });
});
