/**
 * The programme dashboard through the real API: coordinators' scopes, aggregates only, suppression
 * against a differencing attack over two overlapping filters, CSV and PDF, and the admin routes.
 */
import { describe, expect, it } from 'vitest';
import { organisationsRepo } from '../../db/repos/organisations.ts';
import type { Role } from '../../db/schema.ts';
import { makeTestApp } from '../helpers/app.ts';

describe('programme dashboard', async () => {
  const t = await makeTestApp();
  const db = t.deps.db;
  const now = new Date().toISOString();
  const orgs = organisationsRepo(db);
  const org = async (name: string, oblast: string, kind: 'university' | 'police_unit' | 'ngo') =>
    (await orgs.create({ kind, name_uk: name, name_en: `${name} (en)`, oblast_code: oblast }, now))!;
  const a = await org('Університет А', '46', 'university');
  const b = await org('Відділ Б', '46', 'police_unit');
  const c = await org('ГУНП В', '05', 'police_unit');
  const d = await org('ГО Г', '80', 'ngo');
  const instructor = await t.createUser('instructor');
  const people: { email: string; full_name: string }[] = [];
  async function cohortOf(orgId: number, role: Role, n: number) {
    const cohort = await db
      .insertInto('cohorts')
      .values({ name: `c${orgId}`, unit: 'x', owner_id: instructor.id, created_at: now, organisation_id: orgId })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < n; i++) {
      const u = await t.createUser(role, `p${orgId}-${i}@test.ua`, `Особа ${orgId}-${i}`);
      people.push(u);
      await db.insertInto('cohort_members').values({ cohort_id: cohort.id, user_id: u.id, joined_at: now }).execute();
    }
    return cohort.id;
  }
  const cohortA = await cohortOf(a.id, 'cadet', 7);
  await cohortOf(b.id, 'officer', 3);
  await cohortOf(c.id, 'officer', 9);
  await cohortOf(d.id, 'specialist', 6);

  const national = await t.userWithSession('coordinator');
  await orgs.setScopes(national.user.id, ['national'], now);
  const lviv = await t.userWithSession('coordinator');
  await orgs.setScopes(lviv.user.id, ['46'], now);
  const unscoped = await t.userWithSession('coordinator');
  const admin = await t.userWithSession('admin');

  const get = async (path: string, cookie: string) => {
    const res = await t.request(path, { cookie });
    return { status: res.status, body: await res.json() };
  };

  it('answers a coordinator without any scope with a 403 that says what to do', async () => {
    const r = await get('/api/programme/dashboard', unscoped.cookie);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/no oblast has been assigned/);
  });

  it('refuses an oblast or organisation outside the scope with a 403 naming the scope', async () => {
    const r = await get('/api/programme/dashboard?oblast=05', lviv.cookie);
    expect(r.status).toBe(403);
    expect(r.body.error.message).toMatch(/oblast 05 .*outside your scope: you may see Lviv Oblast \(46\)/);
    const o = await get(`/api/programme/dashboard?organisation=${c.id}`, lviv.cookie);
    expect(o.status).toBe(403);
    expect(o.body.error.message).toMatch(/outside your scope/);
    const csv = await t.request(`/api/programme/tables/oblasts.csv?oblast=05`, { cookie: lviv.cookie });
    expect(csv.status).toBe(403);
    const bad = await get('/api/programme/dashboard?oblast=99x', lviv.cookie);
    expect(bad.status).toBe(400);
  });

  it('shows a scoped coordinator only their oblast', async () => {
    const r = await get('/api/programme/dashboard', lviv.cookie);
    expect(r.status).toBe(200);
    expect(r.body.tables.oblasts.map((x: { key: string }) => x.key)).toEqual(['46']);
    expect(r.body.tables.organisations.map((x: { key: string }) => Number(x.key)).sort()).toEqual([a.id, b.id].sort());
  });

  it('returns aggregates only: no name, email or account id of anyone', async () => {
    const r = await get('/api/programme/dashboard', national.cookie);
    const text = JSON.stringify(r.body);
    for (const p of people) {
      expect(text).not.toContain(p.email);
      expect(text).not.toContain(p.full_name);
    }
    expect(r.body.total.values.enrolled).toBe(25);
    expect(r.body.min_cell).toBe(5);
  });

  it('defeats the differencing attack over two overlapping filters (an oblast, and one organisation in it)', async () => {
    // Lviv: organisation A has 7 learners, B has 3. Shown naively, "Lviv 10" − "A 7" reveals B = 3.
    const whole = await get('/api/programme/dashboard?oblast=46', national.cookie);
    const part = await get(`/api/programme/dashboard?organisation=${a.id}`, national.cookie);
    expect(whole.status).toBe(200);
    expect(part.status).toBe(200);
    const rowB = whole.body.tables.organisations.find((x: { key: string }) => x.key === String(b.id));
    expect(rowB.values.enrolled).toBe('<5');
    // Every figure either response shows for the Lviv total and for A: no subtraction gives 1–4.
    const lvivTotal = whole.body.total.values.enrolled;
    const aFigures = [
      part.body.total.values.enrolled,
      ...part.body.tables.organisations.map((x: { values: { enrolled: unknown } }) => x.values.enrolled),
    ];
    for (const fa of aFigures)
      if (typeof lvivTotal === 'number' && typeof fa === 'number') {
        const diff = lvivTotal - fa;
        expect(diff === 0 || diff >= 5, `Lviv ${lvivTotal} − A ${fa} = ${diff}`).toBe(true);
      }
    // The same cell is the same in both answers: the filter chooses cells, it never recomputes them.
    const rowA = whole.body.tables.organisations.find((x: { key: string }) => x.key === String(a.id));
    expect(part.body.total.values).toEqual(rowA.values);
    // And the national role table cannot be subtracted from Lviv's roles to reveal B's 3 officers.
    const nat = await get('/api/programme/dashboard', national.cookie);
    const officersLviv = whole.body.tables.roles.find((x: { key: string }) => x.key === '46:officer').values.enrolled;
    expect(officersLviv).toBe('<5');
    const officersVinnytsia = (await get('/api/programme/dashboard?oblast=05', national.cookie)).body.tables.roles.find(
      (x: { key: string }) => x.key === '05:officer',
    ).values.enrolled;
    const officersAll = nat.body.tables.roles.find((x: { key: string }) => x.key === 'officer').values.enrolled;
    expect(typeof officersAll === 'number' && typeof officersVinnytsia === 'number').toBe(false);
  });

  it('downloads a table as CSV with a UTF-8 BOM and "<5" in suppressed cells', async () => {
    const res = await t.request('/api/programme/tables/organisations.csv?oblast=46&locale=uk', {
      cookie: national.cookie,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes);
    expect(text).toContain('Зараховано');
    expect(text).toContain('Відділ Б,<5');
    const en = await t.request('/api/programme/tables/roles.csv?locale=en', { cookie: national.cookie });
    expect(await en.text()).toContain('Enrolled');
    const none = await t.request('/api/programme/tables/people.csv', { cookie: national.cookie });
    expect(none.status).toBe(404);
  });

  it('prints the programme report as a PDF in Ukrainian and in English', async () => {
    for (const locale of ['uk', 'en']) {
      const res = await t.request(`/api/programme/report.pdf?locale=${locale}`, { cookie: national.cookie });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
      expect(bytes.length).toBeGreaterThan(5000);
    }
  });

  it('lets admins manage organisations: create, refuse a duplicate or unknown oblast, refuse deleting one in use', async () => {
    const create = (json: unknown) => t.request('/api/admin/organisations', { json, cookie: admin.cookie });
    const ok = await create({ kind: 'school', name_uk: 'Ліцей № 1', name_en: 'Lyceum No. 1', oblast_code: '46' });
    expect(ok.status).toBe(201);
    const made = (await ok.json()).organisation;
    expect((await create({ kind: 'school', name_uk: 'Ліцей № 1', name_en: 'Dup', oblast_code: '46' })).status).toBe(
      409,
    );
    const bad = await create({ kind: 'school', name_uk: 'Ліцей № 2', name_en: 'Dup', oblast_code: '99' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields.oblast_code).toMatch(/not one of the 27/);
    const patch = await t.request(`/api/admin/organisations/${made.id}`, {
      method: 'PATCH',
      json: { name_en: 'Lyceum One' },
      cookie: admin.cookie,
    });
    expect((await patch.json()).organisation.name_en).toBe('Lyceum One');
    const inUse = await t.request(`/api/admin/organisations/${a.id}`, { method: 'DELETE', cookie: admin.cookie });
    expect(inUse.status).toBe(409);
    const gone = await t.request(`/api/admin/organisations/${made.id}`, { method: 'DELETE', cookie: admin.cookie });
    expect(gone.status).toBe(200);
    const list = await get('/api/organisations', admin.cookie);
    expect(list.body.organisations.find((o: { id: number }) => o.id === a.id).cohorts).toBe(1);
  });

  it('lets admins set coordinator scopes, only on coordinator accounts', async () => {
    const put = (id: number, scopes: unknown) =>
      t.request(`/api/admin/users/${id}/coordinator-scopes`, { method: 'PUT', json: { scopes }, cookie: admin.cookie });
    expect((await put(instructor.id, ['46'])).status).toBe(409);
    const res = await put(unscoped.user.id, ['46', '05']);
    expect(res.status).toBe(200);
    expect((await res.json()).scopes).toEqual(['05', '46']);
    expect((await put(unscoped.user.id, ['national', '46'])).status).toBe(400);
    const two = await get('/api/programme/dashboard', unscoped.cookie);
    expect(two.status).toBe(200);
    // Two oblasts: no combined total (it would add a suppressed oblast to a shown one).
    expect(two.body.total).toBeNull();
    expect(two.body.tables.oblasts.map((x: { key: string }) => x.key)).toEqual(['05', '46']);
  });

  it('places a cohort in an organisation and hands out enrolment codes for specialists', async () => {
    const res = await t.request(`/api/cohorts/${cohortA}/codes`, {
      json: { role: 'specialist' },
      cookie: admin.cookie,
    });
    expect(res.status).toBe(201);
    expect((await res.json()).enrolment_code.role).toBe('specialist');
    const patch = await t.request(`/api/cohorts/${cohortA}`, {
      method: 'PATCH',
      json: { organisation_id: 999999 },
      cookie: admin.cookie,
    });
    expect(patch.status).toBe(400);
    expect((await patch.json()).error.fields.organisation_id).toBe('no such organisation');
  });
});
