/**
 * Group supervision in the coordinator's figures (issue #24 item 7, with the programme view's rules
 * from issue #23): a coordinator sees attended hours only for the oblasts in their scope, and only
 * where at least 5 people attended; supervisors see every oblast where at least 5 people attended
 * (an oblast's hours with one officer in supervision are that officer's); admins see everything.
 */
import { describe, expect, it } from 'vitest';
import { organisationsRepo } from '../../db/repos/organisations.ts';
import { makeTestApp } from '../helpers/app.ts';

describe('supervision figures for coordinators', async () => {
  const now = new Date('2026-12-10T12:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const sup = await t.userWithSession('supervisor');

  /** One past session in an oblast (ISO code), attended by `n` new officers, 90 minutes. */
  async function attended(oblast: string, n: number, lead = sup) {
    const session = await t.deps.db
      .insertInto('supervision_sessions')
      .values({
        supervisor_id: lead.user.id,
        title: `Група ${oblast}`,
        starts_at: '2026-12-01T10:00:00.000Z',
        duration_minutes: 90,
        format: 'online',
        place: 'https://meet.example.ua/x',
        capacity: 20,
        oblast,
        created_at: '2026-11-20T10:00:00.000Z',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let i = 0; i < n; i++) {
      const u = await t.createUser('officer', `o-${oblast}-${lead.user.id}-${i}@test.ua`, `Офіцер ${i}`);
      await t.deps.db
        .insertInto('supervision_signups')
        .values({ session_id: session.id, user_id: u.id, created_at: '2026-11-21T10:00:00.000Z', attended: 1 })
        .execute();
    }
  }
  await attended('UA-46', 6); // Lviv: region 46
  await attended('UA-05', 4); // Vinnytsia: region 05, a group under 5
  await attended('UA-30', 5); // Kyiv city: ISO UA-30, region 80

  const figures = async (cookie: string) => {
    const res = await t.request('/api/supervision/figures', { cookie });
    return { status: res.status, body: await res.json() };
  };
  const coordinator = async (scopes: string[]) => {
    const c = await t.userWithSession('coordinator');
    await organisationsRepo(t.deps.db).setScopes(c.user.id, scopes, now.toISOString());
    return c.cookie;
  };

  it('a coordinator sees only their oblasts, by the register region numbers', async () => {
    const r = await figures(await coordinator(['46', '80']));
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      by_oblast: expect.arrayContaining([
        { oblast: 'UA-46', attendances: 6, hours: 9 },
        { oblast: 'UA-30', attendances: 5, hours: 7.5 },
      ]),
      suppressed: 0,
    });
    expect(r.body.by_oblast).toHaveLength(2);
  });

  it('an oblast where fewer than 5 people attended is suppressed, and said to be', async () => {
    const r = await figures(await coordinator(['05']));
    expect(r.body).toEqual({ by_oblast: [], suppressed: 1 });
    const national = await figures(await coordinator(['national']));
    expect(national.body.by_oblast.map((o: { oblast: string }) => o.oblast).sort()).toEqual(['UA-30', 'UA-46']);
    expect(national.body.suppressed).toBe(1);
  });

  it('a supervisor sees every oblast but those where fewer than 5 people attended', async () => {
    const r = await figures((await t.userWithSession('supervisor')).cookie);
    expect(r.status).toBe(200);
    expect(r.body.by_oblast.map((o: { oblast: string }) => o.oblast).sort()).toEqual(['UA-30', 'UA-46']);
    expect(r.body.suppressed).toBe(1);
  });

  it('a coordinator without a scope is refused; admins see every oblast', async () => {
    expect((await figures((await t.userWithSession('coordinator')).cookie)).status).toBe(403);
    const admin = await figures((await t.userWithSession('admin')).cookie);
    expect(admin.body.by_oblast).toHaveLength(3);
    expect(admin.body.suppressed).toBe(0);
  });

  // Last: it adds sessions to Vinnytsia, which the tests above need small.
  it('no one can uncover a small oblast because a supervisor led a session there and can subtract it', async () => {
    // Vinnytsia has 4 people from one supervisor's session; Mallory leads one there with 1 more: 5 in
    // all, but Mallory minus her own session would be the 4 others (and the other lead minus theirs,
    // Mallory's 1). Left out for everyone (a colleague's view would serve her as well as her own).
    const mallory = await t.userWithSession('supervisor');
    await attended('UA-05', 1, mallory);
    // Ternopil: two supervisors' sessions of 5 people each; either minus their own leaves 5: shown.
    const other = await t.userWithSession('supervisor');
    await attended('UA-61', 5);
    await attended('UA-61', 5, other);
    const oblasts = (r: { body: { by_oblast: { oblast: string }[] } }) => r.body.by_oblast.map((o) => o.oblast).sort();
    for (const cookie of [
      mallory.cookie,
      sup.cookie,
      (await t.userWithSession('supervisor')).cookie,
      await coordinator(['national']),
    ]) {
      const r = await figures(cookie);
      expect(oblasts(r)).toEqual(['UA-30', 'UA-46', 'UA-61']);
      expect(r.body.suppressed).toBe(1);
    }
    expect((await figures(mallory.cookie)).body.by_oblast).toContainEqual({
      oblast: 'UA-61',
      attendances: 10,
      hours: 15,
    });
    // The admin sees every oblast.
    expect(oblasts(await figures((await t.userWithSession('admin')).cookie))).toEqual([
      'UA-05',
      'UA-30',
      'UA-46',
      'UA-61',
    ]);
  });
});
