import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_ROWS } from '../../api/routes/cohort-import.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { fixtures, makeTestApp, sessionCookie, type TestApp } from '../helpers/app.ts';
import { onPostgres } from '../helpers/engine.ts';
import { sql } from 'kysely';

let clock = new Date('2026-12-01T09:00:00Z');
const t: TestApp = await makeTestApp({ now: () => clock });
const instructor = await t.userWithSession('instructor');
const other = await t.userWithSession('instructor');
const admin = await t.userWithSession('admin');
const cadet = await t.userWithSession('cadet');

async function newCohort(cookie = instructor.cookie, name = 'Курсанти 2026, група 1') {
  const res = await t.request('/api/cohorts', {
    cookie,
    json: { name, unit: 'ЛьвДУВС', starts_on: '2026-09-01', ends_on: '2026-12-20' },
  });
  expect(res.status).toBe(201);
  return (await res.json()).cohort as { id: number; name: string; owner_id: number };
}
const count = async (table: 'users' | 'cohort_members' | 'password_resets') =>
  Number(
    (
      await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const importCsv = (id: number, csv: string, confirm?: boolean, cookie = instructor.cookie) =>
  t.request(`/api/cohorts/${id}/import`, { cookie, json: { csv, ...(confirm === undefined ? {} : { confirm }) } });
const redeem = (code: string, email: string) =>
  t.request('/api/auth/redeem', { json: { code, email, full_name: 'Олег Новий', password: 'a long new password' } });

describe('cohorts', () => {
  it('an instructor creates, lists, renames and deletes their cohort', async () => {
    const c = await newCohort();
    expect(c.owner_id).toBe(instructor.user.id);
    const list = await (await t.request('/api/cohorts', { cookie: instructor.cookie })).json();
    expect(list.cohorts.map((x: { id: number }) => x.id)).toContain(c.id);
    const patched = await t.request(`/api/cohorts/${c.id}`, {
      method: 'PATCH',
      cookie: instructor.cookie,
      json: { name: 'Група 2' },
    });
    expect((await patched.json()).cohort.name).toBe('Група 2');
    const bad = await t.request(`/api/cohorts/${c.id}`, {
      method: 'PATCH',
      cookie: instructor.cookie,
      json: { ends_on: '2026-01-01' },
    });
    expect(bad.status).toBe(400);
    expect((await t.request(`/api/cohorts/${c.id}`, { method: 'DELETE', cookie: instructor.cookie })).status).toBe(200);
    expect((await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).status).toBe(404);
  });

  it('rejects a term that ends before it starts and an invalid date', async () => {
    const res = await t.request('/api/cohorts', {
      cookie: instructor.cookie,
      json: { name: 'X', unit: 'Y', starts_on: '2026-09-01', ends_on: '2026-08-01' },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error.fields.ends_on).toBeDefined();
    const res2 = await t.request('/api/cohorts', {
      cookie: instructor.cookie,
      json: { name: 'X', unit: 'Y', starts_on: '2026-02-30' },
    });
    expect((await res2.json()).error.fields.starts_on).toBe('not a real date');
  });

  it("an instructor cannot see or change another instructor's cohort; an admin sees all", async () => {
    const c = await newCohort(other.cookie, 'Чужа група');
    expect((await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).status).toBe(403);
    expect((await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).status).toBe(403);
    expect((await importCsv(c.id, 'full_name,email\nA B,a@b.ua', true)).status).toBe(403);
    expect((await t.request(`/api/cohorts/${c.id}/codes`, { cookie: instructor.cookie, json: {} })).status).toBe(403);
    const mine = await (await t.request('/api/cohorts', { cookie: instructor.cookie })).json();
    expect(mine.cohorts.map((x: { id: number }) => x.id)).not.toContain(c.id);
    expect((await t.request(`/api/cohorts/${c.id}`, { cookie: admin.cookie })).status).toBe(200);
    const all = await (await t.request('/api/cohorts', { cookie: admin.cookie })).json();
    expect(all.cohorts.map((x: { id: number }) => x.id)).toContain(c.id);
    expect((await t.request('/api/cohorts', { cookie: cadet.cookie })).status).toBe(403);
  });

  it('assigns courses with due dates and refuses unknown courses', async () => {
    const c = await newCohort();
    const res = await t.request(`/api/cohorts/${c.id}/courses/fixture-course`, {
      method: 'PUT',
      cookie: instructor.cookie,
      json: { due_on: '2026-12-15' },
    });
    expect(res.status).toBe(200);
    await t.request(`/api/cohorts/${c.id}/courses/fixture-course`, {
      method: 'PUT',
      cookie: instructor.cookie,
      json: { due_on: '2026-12-18' },
    });
    const detail = await (await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).json();
    expect(detail.courses).toEqual([
      expect.objectContaining({
        course_id: 'fixture-course',
        due_on: '2026-12-18',
        modules: fixtures().courses.get('fixture-course')!.course.modules.length,
        assessment: true,
      }),
    ]);
    expect(
      (
        await t.request(`/api/cohorts/${c.id}/courses/no-such-course`, {
          method: 'PUT',
          cookie: instructor.cookie,
          json: {},
        })
      ).status,
    ).toBe(404);
    expect(
      (await t.request(`/api/cohorts/${c.id}/courses/fixture-course`, { method: 'DELETE', cookie: instructor.cookie }))
        .status,
    ).toBe(200);
    expect((await (await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).json()).courses).toEqual([]);
  });
});

describe('enrolment codes', () => {
  it('a code is shown once, stored only as a hash, and redeemed through /api/auth/redeem', async () => {
    const c = await newCohort();
    const res = await t.request(`/api/cohorts/${c.id}/codes`, {
      cookie: instructor.cookie,
      json: { role: 'cadet', expires_in_days: 10, max_seats: 5 },
    });
    expect(res.status).toBe(201);
    const { code, enrolment_code } = await res.json();
    expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const detail = await (await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).text();
    expect(detail).not.toContain(code);
    expect(detail).toContain(enrolment_code.id);
    const stored = await t.deps.db.selectFrom('enrolment_codes').selectAll().where('cohort_id', '=', c.id).execute();
    expect(JSON.stringify(stored)).not.toContain(code.replace(/-/g, ''));
    const r = await redeem(code.toLowerCase(), 'new.cadet@test.ua');
    expect(r.status).toBe(201);
    const members = await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json();
    expect(members.members.map((m: { email: string }) => m.email)).toEqual(['new.cadet@test.ua']);
    const codes = (await (await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).json()).codes;
    expect(codes[0].used_seats).toBe(1);
  });

  it('a full, expired or revoked code is refused', async () => {
    const c = await newCohort();
    const full = (
      await (
        await t.request(`/api/cohorts/${c.id}/codes`, { cookie: instructor.cookie, json: { max_seats: 1 } })
      ).json()
    ).code;
    expect((await redeem(full, 'seat1@test.ua')).status).toBe(201);
    expect((await redeem(full, 'seat2@test.ua')).status).toBe(400);

    const soon = (
      await (
        await t.request(`/api/cohorts/${c.id}/codes`, {
          cookie: instructor.cookie,
          json: { expires_at: new Date(clock.getTime() + 3600_000).toISOString() },
        })
      ).json()
    ).code;
    clock = new Date(clock.getTime() + 2 * 3600_000);
    expect((await redeem(soon, 'late@test.ua')).status).toBe(400);
    const past = await t.request(`/api/cohorts/${c.id}/codes`, {
      cookie: instructor.cookie,
      json: { expires_at: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);

    const created = await (
      await t.request(`/api/cohorts/${c.id}/codes`, { cookie: instructor.cookie, json: {} })
    ).json();
    const revoked = await t.request(`/api/cohorts/${c.id}/codes/${created.enrolment_code.id}/revoke`, {
      cookie: instructor.cookie,
      json: {},
    });
    expect(revoked.status).toBe(200);
    expect(
      (await revoked.json()).codes.find((x: { id: string }) => x.id === created.enrolment_code.id).revoked_at,
    ).toBeTruthy();
    expect((await redeem(created.code, 'revoked@test.ua')).status).toBe(400);
    expect(
      (await t.request(`/api/cohorts/${c.id}/codes/0123456789abcdef/revoke`, { cookie: instructor.cookie, json: {} }))
        .status,
    ).toBe(404);
  });
});

describe('CSV import', () => {
  it('a dry run reports every row and writes nothing; confirming writes all valid rows and returns reset links', async () => {
    const c = await newCohort();
    const csv =
      '\uFEFFfull_name,email,role\r\nОлена Ґудзь-Їжакевич,olena@test.ua,cadet\r\n"Петренко, Іван",ivan@test.ua,officer\r\nБез Пошти,,cadet\r\n';
    const before = await count('users');
    const dry = await importCsv(c.id, csv);
    expect(dry.status).toBe(200);
    const report = await dry.json();
    expect(report).toMatchObject({
      dry_run: true,
      written: false,
      total: 3,
      valid: 2,
      delimiter: ',',
    });
    expect(report.accepted.map((a: { full_name: string }) => a.full_name)).toEqual([
      'Олена Ґудзь-Їжакевич',
      'Петренко, Іван',
    ]);
    expect(report.rejected).toEqual([expect.objectContaining({ line: 4, code: 'missing_value' })]);
    expect(await count('users')).toBe(before);

    const done = await (await importCsv(c.id, csv, true)).json();
    expect(done).toMatchObject({ written: true, created: 2, added: 2 });
    expect(done.reset_links).toHaveLength(2);
    expect(await count('users')).toBe(before + 2);
    const members = (await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json())
      .members;
    expect(members.map((m: { full_name: string; role: string }) => `${m.full_name}/${m.role}`).sort()).toEqual([
      'Олена Ґудзь-Їжакевич/cadet',
      'Петренко, Іван/officer',
    ]);

    // The imported learner cannot sign in until they use their link; the link works once.
    const link = done.reset_links.find((l: { email: string }) => l.email === 'olena@test.ua');
    expect(link.url).toMatch(/^http:\/\/localhost\/uk\/reset\/#token=[a-z2-7]{32}$/);
    const token = link.url.split('#token=')[1];
    const stored = await t.deps.db.selectFrom('password_resets').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(
      (await t.request('/api/auth/login', { json: { email: 'olena@test.ua', password: 'whatever password' } })).status,
    ).toBe(401);
    const reset = await t.request('/api/auth/reset', { json: { token, new_password: 'my own new password' } });
    expect(reset.status).toBe(200);
    const login = await t.request('/api/auth/login', {
      json: { email: 'olena@test.ua', password: 'my own new password' },
    });
    expect(login.status).toBe(200);
    expect(sessionCookie(login)).toBeTruthy();
    expect((await t.request('/api/auth/reset', { json: { token, new_password: 'another new password' } })).status).toBe(
      400,
    );
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['event', 'details'])
      .where('event', '=', 'password.reset')
      .execute();
    expect(audit.some((a) => a.details?.includes('used'))).toBe(true);

    // Importing the same file again: both rows are already in the cohort.
    const again = await (await importCsv(c.id, csv, true)).json();
    expect(again).toMatchObject({ valid: 0, written: false });
    expect(again.rejected.filter((r: { code: string }) => r.code === 'already_in_cohort')).toHaveLength(2);
  });

  it('detects semicolons and tabs, with or without a BOM, and Ukrainian headers', async () => {
    const c = await newCohort();
    const semi = await (
      await importCsv(c.id, 'ПІБ;Електронна пошта;Роль\nТарас Гнатюк;taras@test.ua;курсант\n')
    ).json();
    expect(semi).toMatchObject({
      delimiter: ';',
      valid: 1,
      accepted: [expect.objectContaining({ full_name: 'Тарас Гнатюк', role: 'cadet' })],
    });
    const tab = await (await importCsv(c.id, '\uFEFFemail\tfull_name\nira@test.ua\tІрина Мельник\n')).json();
    expect(tab).toMatchObject({
      delimiter: 'tab',
      valid: 1,
      accepted: [expect.objectContaining({ full_name: 'Ірина Мельник', email: 'ira@test.ua', role: 'cadet' })],
    });
  });

  it('a wrong delimiter or missing columns is a clear file-level error', async () => {
    const c = await newCohort();
    const pipe = await importCsv(c.id, 'full_name|email|role\nA B|a@test.ua|cadet\n');
    expect(pipe.status).toBe(400);
    expect((await pipe.json()).error.message).toMatch(
      /missing columns full_name, email.*single column.*comma, a semicolon or a tab/,
    );
    const noEmail = await importCsv(c.id, 'full_name,phone\nA B,123\n');
    expect(noEmail.status).toBe(400);
    expect((await noEmail.json()).error.fields.csv).toMatch(/missing column email/);
    const empty = await importCsv(c.id, '\n\n');
    expect(empty.status).toBe(400);
    const broken = await importCsv(c.id, 'full_name,email\n"A B,a@test.ua\n');
    expect(broken.status).toBe(400);
    expect((await broken.json()).error.message).toMatch(/not valid CSV/);
  });

  it('reports invalid emails, duplicates in the file, staff roles and (to an admin) existing staff accounts per row', async () => {
    const c = await newCohort();
    const csv = [
      'full_name,email,role',
      'Перший Рядок,first@test.ua,cadet', // line 2: fine
      'Без Собачки,not-an-email,cadet', // line 3: invalid email
      'Перший Ще Раз,FIRST@test.ua,cadet', // line 4: duplicate of line 2 (emails compare case-insensitively)
      'Хоче Адміна,boss@test.ua,admin', // line 5: role not allowed
      `Викладач,${other.user.email},cadet`, // line 6: an existing instructor account
      'Короткий,short@test.ua', // line 7: missing role column value → cadet
    ].join('\n');
    const r = await (await importCsv(c.id, csv, undefined, admin.cookie)).json();
    expect(r.rejected.map((x: { line: number; code: string }) => `${x.line}:${x.code}`)).toEqual([
      '3:invalid_email',
      '4:duplicate_in_file',
      '5:role_not_allowed',
      '6:not_a_learner_account',
    ]);
    expect(r.rejected[1].reason).toBe('duplicate of line 2');
    expect(r.accepted.map((a: { line: number }) => a.line)).toEqual([2, 7]);
  });

  it(`takes ${MAX_IMPORT_ROWS.toLocaleString('en')} rows in one transaction and refuses one more`, async () => {
    const c = await newCohort();
    const rows = (n: number) =>
      ['full_name;email', ...Array.from({ length: n }, (_, i) => `Курсант Номер ${i};bulk${i}@test.ua`)].join('\n');
    const before = await count('users');
    const tooMany = await importCsv(c.id, rows(MAX_IMPORT_ROWS + 1), true);
    expect(tooMany.status).toBe(400);
    expect((await tooMany.json()).error.message).toMatch(/10,001 rows; at most 10,000/);
    expect(await count('users')).toBe(before);
    const ok = await (await importCsv(c.id, rows(MAX_IMPORT_ROWS), true)).json();
    expect(ok).toMatchObject({ valid: MAX_IMPORT_ROWS, created: MAX_IMPORT_ROWS, written: true });
    expect(ok.reset_links).toHaveLength(MAX_IMPORT_ROWS);
    expect(await count('users')).toBe(before + MAX_IMPORT_ROWS);
  }, 60_000);

  it('nothing is half-imported: a failure on the last row rolls back every row', async () => {
    const c = await newCohort();
    // A trigger makes the last row fail as a concurrent registration of the same email would.
    if (onPostgres) {
      await sql
        .raw(
          `CREATE FUNCTION fail_import() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.email = 'boom@test.ua' THEN RAISE unique_violation USING MESSAGE = 'duplicate key value violates unique constraint "users_email_unique"'; END IF; RETURN NEW; END $$`,
        )
        .execute(t.deps.db);
      await sql
        .raw('CREATE TRIGGER fail_import BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION fail_import()')
        .execute(t.deps.db);
    } else
      await sql
        .raw(
          `CREATE TRIGGER fail_import BEFORE INSERT ON users WHEN NEW.email = 'boom@test.ua' BEGIN SELECT RAISE(ABORT, 'UNIQUE constraint failed: users.email'); END`,
        )
        .execute(t.deps.db);
    try {
      const users = await count('users');
      const members = await count('cohort_members');
      const resets = await count('password_resets');
      const res = await importCsv(
        c.id,
        'full_name,email\nПерший,one@test.ua\nДругий,two@test.ua\nТретій,boom@test.ua\n',
        true,
      );
      expect(res.status).toBe(409);
      expect(await count('users')).toBe(users);
      expect(await count('cohort_members')).toBe(members);
      expect(await count('password_resets')).toBe(resets);
    } finally {
      await sql.raw(onPostgres ? 'DROP TRIGGER fail_import ON users' : 'DROP TRIGGER fail_import').execute(t.deps.db);
    }
  });

  it('removes a member without deleting the account', async () => {
    const c = await newCohort();
    await importCsv(c.id, 'full_name,email\nЗалишиться Акаунт,stay@test.ua\n', true);
    const [m] = (await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json()).members;
    expect(
      (await t.request(`/api/cohorts/${c.id}/members/${m.id}`, { method: 'DELETE', cookie: instructor.cookie })).status,
    ).toBe(200);
    expect(
      (await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json()).members,
    ).toEqual([]);
    expect(
      await t.deps.db.selectFrom('users').select('id').where('email', '=', 'stay@test.ua').executeTakeFirst(),
    ).toBeDefined();
    expect(
      (await t.request(`/api/cohorts/${c.id}/members/${m.id}`, { method: 'DELETE', cookie: instructor.cookie })).status,
    ).toBe(404);
  });
});

describe('admin reset link', () => {
  it('an admin creates a single-use, expiring reset link; it is audit-logged and signs out old sessions', async () => {
    const learner = await t.userWithSession('cadet');
    // Handing out a reset link needs a password confirmed in the last 10 minutes: sign in again.
    admin.cookie = await t.login(admin.user.email);
    const res = await t.request(`/api/admin/users/${learner.user.id}/reset-link`, { cookie: admin.cookie, json: {} });
    expect(res.status).toBe(201);
    const { url, expires_at } = await res.json();
    expect(Date.parse(expires_at) - clock.getTime()).toBe(24 * 3600_000);
    const token = url.split('#token=')[1];
    expect(
      (await t.request(`/api/admin/users/${learner.user.id}/reset-link`, { cookie: instructor.cookie, json: {} }))
        .status,
    ).toBe(403);
    const created = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event', '=', 'password.reset')
      .where('target', '=', `user:${learner.user.id}`)
      .execute();
    expect(created).toHaveLength(1);
    expect((await t.request('/api/auth/reset', { json: { token, new_password: 'short' } })).status).toBe(400);
    clock = new Date(clock.getTime() + 25 * 3600_000);
    expect((await t.request('/api/auth/reset', { json: { token, new_password: 'long enough password' } })).status).toBe(
      400,
    );
    clock = new Date(clock.getTime() - 25 * 3600_000);
    expect((await t.request('/api/auth/reset', { json: { token, new_password: 'long enough password' } })).status).toBe(
      200,
    );
    expect((await t.request('/api/me', { cookie: learner.cookie })).status).toBe(401);
  });
});

describe('archive and accountability', () => {
  const auditOf = (cohortId: number) =>
    t.deps.db
      .selectFrom('audit_log')
      .select(['event', 'actor_id', 'details'])
      .where('target', '=', `cohort:${cohortId}`)
      .orderBy('id')
      .execute();

  it('deleting a cohort archives it (codes revoked, members kept); an admin restores it within 30 days', async () => {
    const c = await newCohort();
    const { code } = await (
      await t.request(`/api/cohorts/${c.id}/codes`, { cookie: instructor.cookie, json: {} })
    ).json();
    await importCsv(c.id, 'full_name,email\nАрхівна Особа,archived-member@test.ua\n', true);
    const del = await t.request(`/api/cohorts/${c.id}`, { method: 'DELETE', cookie: instructor.cookie });
    expect(del.status).toBe(200);
    expect((await del.json()).restorable_until).toBe(new Date(clock.getTime() + 30 * 86_400_000).toISOString());
    expect((await t.request(`/api/cohorts/${c.id}`, { cookie: instructor.cookie })).status).toBe(404);
    expect((await t.request(`/api/cohorts/${c.id}`, { cookie: admin.cookie })).status).toBe(404);
    const list = await (await t.request('/api/cohorts', { cookie: admin.cookie })).json();
    expect(list.cohorts.map((x: { id: number }) => x.id)).not.toContain(c.id);
    expect((await redeem(code, 'after-archive@test.ua')).status).toBe(400);
    expect((await t.request(`/api/cohorts/${c.id}/restore`, { cookie: instructor.cookie, json: {} })).status).toBe(403);

    const restored = await t.request(`/api/cohorts/${c.id}/restore`, { cookie: admin.cookie, json: {} });
    expect(restored.status).toBe(200);
    expect((await restored.json()).cohort).toMatchObject({ id: c.id, archived_at: null });
    const members = (await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json())
      .members;
    expect(members.map((m: { email: string }) => m.email)).toEqual(['archived-member@test.ua']);
    expect((await auditOf(c.id)).map((a) => a.event)).toEqual(
      expect.arrayContaining(['cohort.archived', 'cohort.restored']),
    );
  });

  it('an archived cohort cannot be restored after 30 days', async () => {
    const c = await newCohort();
    await t.request(`/api/cohorts/${c.id}`, { method: 'DELETE', cookie: instructor.cookie });
    // Deleted 31 days ago (moving the clock instead would expire the admin's session).
    await t.deps.db
      .updateTable('cohorts')
      .set({ archived_at: new Date(clock.getTime() - 31 * 86_400_000).toISOString() })
      .where('id', '=', c.id)
      .execute();
    const late = await t.request(`/api/cohorts/${c.id}/restore`, { cookie: admin.cookie, json: {} });
    expect(late.status).toBe(410);
    expect((await late.json()).error.message).toMatch(/more than 30 days ago/);
    expect((await t.request(`/api/cohorts/424242/restore`, { cookie: admin.cookie, json: {} })).status).toBe(404);
    // The daily purge (api/start.ts) then deletes it for good; a cohort archived today stays.
    const recent = await newCohort();
    await t.request(`/api/cohorts/${recent.id}`, { method: 'DELETE', cookie: instructor.cookie });
    await cohortsRepo(t.deps.db).purgeArchived(new Date(clock.getTime() - 30 * 86_400_000).toISOString());
    expect(await cohortsRepo(t.deps.db).byIdWithArchived(c.id)).toBeUndefined();
    expect(await cohortsRepo(t.deps.db).byIdWithArchived(recent.id)).toBeDefined();
  });

  it('member removal, course unassignment and code revocation are audit-logged with who did them', async () => {
    const c = await newCohort();
    await importCsv(c.id, 'full_name,email\nВибуде Скоро,leaves-soon@test.ua\n', true);
    const [m] = (await (await t.request(`/api/cohorts/${c.id}/members`, { cookie: instructor.cookie })).json()).members;
    await t.request(`/api/cohorts/${c.id}/courses/fixture-course`, {
      method: 'PUT',
      cookie: instructor.cookie,
      json: {},
    });
    const created = await (
      await t.request(`/api/cohorts/${c.id}/codes`, { cookie: instructor.cookie, json: {} })
    ).json();
    expect(
      (await t.request(`/api/cohorts/${c.id}/members/${m.id}`, { method: 'DELETE', cookie: instructor.cookie })).status,
    ).toBe(200);
    expect(
      (
        await t.request(`/api/cohorts/${c.id}/courses/fixture-course`, {
          method: 'DELETE',
          cookie: instructor.cookie,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await t.request(`/api/cohorts/${c.id}/codes/${created.enrolment_code.id}/revoke`, {
          cookie: instructor.cookie,
          json: {},
        })
      ).status,
    ).toBe(200);
    const audit = (await auditOf(c.id)).filter((a) => a.event !== 'user.created');
    expect(audit).toEqual([
      { event: 'cohort.member_removed', actor_id: instructor.user.id, details: JSON.stringify({ user_id: m.id }) },
      {
        event: 'cohort.course_unassigned',
        actor_id: instructor.user.id,
        details: JSON.stringify({ course_id: 'fixture-course' }),
      },
      {
        event: 'enrolment_code.revoked',
        actor_id: instructor.user.id,
        details: JSON.stringify({ code_id: created.enrolment_code.id }),
      },
    ]);
  });

  it("an admin's change of a learner's printed name is audit-logged", async () => {
    const learner = await t.createUser('cadet');
    const res = await t.request(`/api/admin/users/${learner.id}`, {
      method: 'PATCH',
      cookie: admin.cookie,
      json: { full_name: 'Виправлене Імʼя' },
    });
    expect(res.status).toBe(200);
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['event', 'actor_id', 'details'])
      .where('target', '=', `user:${learner.id}`)
      .execute();
    expect(rows).toEqual([
      {
        event: 'user.name_changed',
        actor_id: admin.user.id,
        details: JSON.stringify({ from: learner.full_name, to: 'Виправлене Імʼя' }),
      },
    ]);
  });
});
