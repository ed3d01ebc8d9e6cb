/**
 * The access matrix: every API route × every role (and anonymous). Routes are declared with their
 * access rule (api/route.ts), so this test covers routes added later without being edited.
 */
import { describe, expect, it } from 'vitest';
import { LEARNER_ROLES, ROLES, type Role } from '../../db/schema.ts';
import { makeTestApp } from '../helpers/app.ts';
import { organisationsRepo } from '../../db/repos/organisations.ts';

describe('every route × every role', async () => {
  const t = await makeTestApp();
  const cookies = {} as Record<Role, string>;
  const users = {} as Record<Role, number>;
  for (const role of ROLES) {
    const s = await t.userWithSession(role);
    cookies[role] = s.cookie;
    users[role] = s.user.id;
  }
  // A coordinator sees the oblasts an admin assigned (issue #23): this one, Lviv oblast only.
  await organisationsRepo(t.deps.db).setScopes(users.coordinator, ['46'], new Date().toISOString());
  const routes = t.app.docs.filter((r) => !(r.path === '/api/auth/logout'));

  it('refuses a coordinator any programme figure outside their scope (issue #23)', async () => {
    const scoped = routes.filter((r) => r.path.startsWith('/api/programme/'));
    expect(scoped.length).toBeGreaterThanOrEqual(3);
    for (const r of scoped) {
      const path = r.path.replace(':table', 'oblasts.csv') + '?oblast=05';
      const res = await t.request(path, { cookie: cookies.coordinator });
      expect(res.status, path).toBe(403);
      expect((await res.json()).error.message).toMatch(/outside your scope/);
      expect((await t.request(path, { cookie: cookies.admin })).status, path).toBe(200);
    }
  });

  it('declares an access rule for every route', () => {
    expect(routes.length).toBeGreaterThan(8);
    for (const r of routes) expect(r.access, `${r.method} ${r.path}`).toBeDefined();
  });

  it('declares the routes added for issue #19 with their access rules', () => {
    const rule = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)?.access;
    expect(rule('get', '/api/me/invitations')).toBe('authenticated');
    expect(rule('post', '/api/me/invitations/:id/accept')).toEqual(['cadet', 'officer', 'specialist']);
    expect(rule('post', '/api/cohorts/:id/restore')).toEqual(['admin']);
  });

  it('declares the evaluation and email outbox routes (issue #23) with their access rules', () => {
    const rule = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)?.access;
    for (const [method, path] of [
      ['get', '/api/evaluation/:courseId'],
      ['post', '/api/evaluation/:courseId/pretest'],
      ['post', '/api/evaluation/:courseId/pretest/submit'],
      ['post', '/api/evaluation/:courseId/reaction'],
      ['post', '/api/evaluation/:courseId/follow-up'],
    ] as const)
      expect(rule(method, path), path).toEqual(LEARNER_ROLES);
    expect(rule('get', '/api/evaluation/:courseId/summary')).toEqual(['instructor', 'admin']);
    expect(rule('get', '/api/admin/email')).toEqual(['admin']);
  });

  it('declares the routes added for issue #24 (consultation and supervision) with their access rules', () => {
    const rule = (method: string, path: string) => routes.find((r) => r.method === method && r.path === path)?.access;
    expect(ROLES).toContain('supervisor');
    expect(rule('post', '/api/consultations')).toEqual(['cadet', 'officer', 'specialist']);
    expect(rule('get', '/api/consultations/:id')).toEqual(['cadet', 'officer', 'specialist', 'supervisor', 'admin']);
    expect(rule('post', '/api/consultations/:id/claim')).toEqual(['supervisor']);
    expect(rule('post', '/api/consultations/:id/reassign')).toEqual(['supervisor', 'admin']);
    expect(rule('get', '/api/consultations/queue')).toEqual(['supervisor']);
    expect(rule('get', '/api/supervision/consultations')).toEqual(['admin']);
    expect(rule('put', '/api/supervision/supervisors/:id/scope')).toEqual(['admin']);
    expect(rule('post', '/api/supervision/sessions')).toEqual(['supervisor']);
    expect(rule('post', '/api/case-notes/:id/review')).toEqual(['supervisor']);
    expect(rule('get', '/api/notifications')).toBe('authenticated');
    // No consultation route lets an instructor in.
    for (const r of routes.filter((x) => /^\/api\/(consultations|supervision)/.test(x.path)))
      if (Array.isArray(r.access)) expect(r.access, `${r.method} ${r.path}`).not.toContain('instructor');
  });

  for (const r of routes) {
    const path = r.path.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, (_, name: string) =>
      name === 'id' ? '999999' : `x-${name}`,
    );
    const send = (cookie?: string) =>
      t.request(path, { method: r.method.toUpperCase(), cookie, ...(r.method === 'get' ? {} : { json: {} }) });

    it(`${r.method.toUpperCase()} ${r.path} [${r.access === 'public' || r.access === 'authenticated' ? r.access : r.access.join('|')}]`, async () => {
      const anon = await send();
      if (r.access === 'public') expect([401, 403]).not.toContain(anon.status);
      else expect(anon.status).toBe(401);
      for (const role of ROLES) {
        const res = await send(cookies[role]);
        const allowed = r.access === 'public' || r.access === 'authenticated' || r.access.includes(role);
        if (allowed) expect([401, 403], `${role} should pass the role check`).not.toContain(res.status);
        else expect(res.status, `${role} must be refused`).toBe(403);
        expect(res.status, `${role} got a server error`).toBeLessThan(500);
      }
    });
  }
});

describe('routes that need a fresh password (fresh: true)', async () => {
  const t = await makeTestApp();
  const fresh = t.app.docs.filter((r) => r.fresh);

  it('cover backup download, erasure, user changes (role), reset links, certificate revocation and removing the second factor', () => {
    expect(fresh.map((r) => `${r.method.toUpperCase()} ${r.path}`).sort()).toEqual([
      'GET /api/admin/backup',
      'PATCH /api/admin/users/:id',
      'POST /api/admin/certificates/:code/revoke',
      'POST /api/admin/users/:id/erase',
      'POST /api/admin/users/:id/reset-link',
      'POST /api/auth/totp/disable',
    ]);
  });

  for (const r of fresh) {
    it(`${r.method.toUpperCase()} ${r.path} refuses an admin whose password is older than 10 minutes`, async () => {
      const { user, cookie } = await t.userWithSession('admin');
      await t.deps.db
        .updateTable('sessions')
        .set({ reauth_at: new Date(Date.now() - 11 * 60 * 1000).toISOString() })
        .where('user_id', '=', user.id)
        .execute();
      const path = r.path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (name === 'id' ? '999999' : `x-${name}`));
      const res = await t.request(path, {
        method: r.method.toUpperCase(),
        cookie,
        ...(r.method === 'get' ? {} : { json: {} }),
      });
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe('reauth_required');
    });
  }
});
