/**
 * Two API instances over one database behave as one (issue #21, item 3): what instance A changes,
 * instance B honours on its very next request, whatever each keeps in memory. On SQLite the second
 * instance is a second connection to the same file; on PostgreSQL (OBERIH_TEST_ENGINE=postgres) a
 * second pool on the same database.
 */
import { describe, expect, it } from 'vitest';
import { fixtures, makeTestApp } from '../helpers/app.ts';

describe('two API instances on one database', async () => {
  const now = new Date('2026-11-29T10:00:00Z');
  const a = await makeTestApp({ now: () => now });
  const b = await makeTestApp({ now: () => now, sameDatabaseAs: a });
  const adminA = await a.userWithSession('admin');
  const me = (cookie: string) => b.request('/api/me', { cookie });

  /** A learner signed in through A and already served twice by B (B's cache, where it has one, holds it). */
  async function seenByB(role: 'cadet' | 'instructor' = 'cadet') {
    const s = await a.userWithSession(role);
    expect((await me(s.cookie)).status).toBe(200);
    expect((await me(s.cookie)).status).toBe(200);
    return s;
  }

  it('a session ended through A is refused by B', async () => {
    const { cookie } = await seenByB();
    expect((await a.request('/api/auth/logout', { cookie, json: {} })).status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

  it('a role changed through A applies on B at once', async () => {
    const { user, cookie } = await seenByB('instructor');
    expect((await b.request('/api/cohorts', { cookie })).status).toBe(200);
    const res = await a.request(`/api/admin/users/${user.id}`, {
      method: 'PATCH',
      cookie: adminA.cookie,
      json: { role: 'cadet' },
    });
    expect(res.status).toBe(200);
    expect((await b.request('/api/cohorts', { cookie })).status).toBe(403);
    expect((await (await me(cookie)).json()).user.role).toBe('cadet');
  });

  it('a user deactivated through A is refused by B', async () => {
    const { user, cookie } = await seenByB();
    const res = await a.request(`/api/admin/users/${user.id}`, {
      method: 'PATCH',
      cookie: adminA.cookie,
      json: { active: false },
    });
    expect(res.status).toBe(200);
    expect((await me(cookie)).status).toBe(401);
  });

  it("B's cohort report never serves what A has since changed", async () => {
    const course = fixtures().courses.values().next().value!.course;
    const instructor = await a.userWithSession('instructor');
    const cohort = (
      await (
        await a.request('/api/cohorts', { cookie: instructor.cookie, json: { name: 'Дві копії', unit: 'ХНУВС' } })
      ).json()
    ).cohort;
    await a.request(`/api/cohorts/${cohort.id}/courses/${course.id}`, {
      method: 'PUT',
      cookie: instructor.cookie,
      json: { due_on: '2026-12-20' },
    });
    const report = async () => {
      const res = await b.request(`/api/reports/cohorts/${cohort.id}`, { cookie: instructor.cookie });
      expect(res.status).toBe(200);
      return (await res.json()) as { learners: { full_name: string }[] };
    };
    expect((await report()).learners).toEqual([]);
    expect((await report()).learners).toEqual([]); // computed once, then reused by B
    const imported = await a.request(`/api/cohorts/${cohort.id}/import`, {
      cookie: instructor.cookie,
      json: { confirm: true, csv: 'full_name,email\nОлена Нова,olena.nova@test.ua\n' },
    });
    expect(imported.status).toBe(200);
    expect((await report()).learners.map((l) => l.full_name)).toEqual(['Олена Нова']);
    // A rename through A (a write to users only) reaches B's next report too.
    await a.deps.db
      .updateTable('users')
      .set({ full_name: 'Олена Перейменована' })
      .where('email', '=', 'olena.nova@test.ua')
      .execute();
    expect((await report()).learners.map((l) => l.full_name)).toEqual(['Олена Перейменована']);
  });
});
