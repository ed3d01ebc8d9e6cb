/**
 * Re-authentication for dangerous actions (issue #19 item 5; ASVS 5.0 7.5.3): backup download,
 * erasure, role change and certificate revocation need the password within the last 10 minutes.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp, TEST_PASSWORD } from '../../helpers/app.ts';

describe('fresh sign-in for dangerous actions', async () => {
  let now = new Date('2026-12-04T09:00:00Z');
  const t = await makeTestApp({ now: () => now });
  const admin = await t.userWithSession('admin');
  const learner = await t.createUser('cadet');
  const dangerous = [
    { name: 'backup download', path: '/api/admin/backup', method: 'GET' },
    { name: 'role change', path: `/api/admin/users/${learner.id}`, json: { role: 'officer' }, method: 'PATCH' },
    { name: 'erasure', path: `/api/admin/users/${learner.id}/erase`, json: { confirm_email: 'not-this@x.ua' } },
    { name: 'certificate revocation', path: '/api/admin/certificates/AAAA-BBBB/revoke', json: { reason: 'test' } },
  ];
  const send = (d: (typeof dangerous)[number]) =>
    t.request(d.path, { method: d.method, json: d.json, cookie: admin.cookie });

  it('refuses them 11 minutes after sign-in with reauth_required, and allows them after POST /api/auth/reauth', async () => {
    now = new Date(now.getTime() + 11 * 60 * 1000);
    for (const d of dangerous) {
      const res = await send(d);
      expect(res.status, d.name).toBe(403);
      expect((await res.json()).error.code, d.name).toBe('reauth_required');
    }
    const wrong = await t.request('/api/auth/reauth', { json: { password: 'not my password' }, cookie: admin.cookie });
    expect(wrong.status).toBe(400);
    const ok = await t.request('/api/auth/reauth', { json: { password: TEST_PASSWORD }, cookie: admin.cookie });
    expect(ok.status).toBe(200);
    for (const d of dangerous) expect((await send(d)).status, d.name).not.toBe(403);
    // And again only for 10 minutes.
    now = new Date(now.getTime() + 10 * 60 * 1000 + 1000);
    expect((await send(dangerous[0]!)).status).toBe(403);
  });

  it('a stolen session cannot guess the password quickly: 5 tries per 15 minutes', async () => {
    const s = await t.userWithSession('admin');
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (await t.request('/api/auth/reauth', { json: { password: `guess-${i}` }, cookie: s.cookie })).status,
      );
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429]);
  });
});
