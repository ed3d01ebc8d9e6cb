/**
 * TOTP second factor (issue #19 item 6; RFC 6238; ASVS 5.0 6.3.3, 6.5.x): enrolment with a QR code,
 * recovery codes shown once and stored hashed, the second sign-in step, replay and guessing refused,
 * and admins held to it when it is required.
 */
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../../api/auth/totp.ts';
import { makeTestApp, sessionCookie, TEST_PASSWORD } from '../../helpers/app.ts';

describe('TOTP second factor', async () => {
  let now = new Date('2026-12-04T10:00:00Z');
  const t = await makeTestApp({ now: () => now, config: { requireAdminMfa: true } });
  const step = () => (now = new Date(now.getTime() + 30_000));

  const enrol = async (cookie: string) => {
    const setup = await t.request('/api/auth/totp/setup', { cookie, json: {} });
    expect(setup.status).toBe(200);
    const { secret, uri, qr_svg } = await setup.json();
    expect(uri).toMatch(/^otpauth:\/\/totp\/Oberih:.+\?.*secret=/);
    expect(qr_svg).toMatch(/^<svg/);
    const enable = await t.request('/api/auth/totp/enable', {
      cookie,
      json: { code: totpCode(secret, now.getTime()) },
    });
    expect(enable.status).toBe(200);
    const { recovery_codes } = await enable.json();
    return { secret: secret as string, recovery: recovery_codes as string[] };
  };

  it('an admin without a second factor can reach only their own account routes until they enrol', async () => {
    const { user, cookie } = await t.userWithSession('admin');
    const refused = await t.request('/api/admin/users', { cookie });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('mfa_enrolment_required');
    expect((await t.request('/api/me', { cookie })).status).toBe(200);
    await enrol(cookie);
    expect((await t.request('/api/admin/users', { cookie })).status).toBe(200);
    // And may not remove it.
    expect((await t.request('/api/auth/totp/disable', { cookie, json: {} })).status).toBe(403);
    expect(user.role).toBe('admin');
  });

  it('signs in in two steps; a code works once; recovery codes are stored hashed and work once', async () => {
    const { user, cookie } = await t.userWithSession('instructor');
    const { secret, recovery } = await enrol(cookie);
    expect(recovery).toHaveLength(10);
    const stored = await t.deps.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', user.id).execute();
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(recovery[0]!.replace(/-/g, ''));

    step();
    const first = await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } });
    expect(first.status).toBe(200);
    expect(first.headers.getSetCookie().join()).not.toMatch(/oberih_session=/);
    const { mfa_required, challenge } = await first.json();
    expect(mfa_required).toBe(true);
    const code = totpCode(secret, now.getTime());
    const second = await t.request('/api/auth/login/totp', { json: { challenge, code } });
    expect(second.status).toBe(200);
    expect((await t.request('/api/me', { cookie: sessionCookie(second) })).status).toBe(200);

    // The same code again (replay) is refused.
    const again = await (
      await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })
    ).json();
    expect((await t.request('/api/auth/login/totp', { json: { challenge: again.challenge, code } })).status).toBe(401);
    // A recovery code works, once.
    const rec = await t.request('/api/auth/login/totp', { json: { challenge: again.challenge, code: recovery[0] } });
    expect(rec.status).toBe(200);
    const third = await (
      await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })
    ).json();
    expect(
      (await t.request('/api/auth/login/totp', { json: { challenge: third.challenge, code: recovery[0] } })).status,
    ).toBe(401);
  });

  it('guessing codes is limited to 5 per 15 minutes per account', async () => {
    const { user, cookie } = await t.userWithSession('cadet');
    await enrol(cookie);
    step();
    const { challenge } = await (
      await t.request('/api/auth/login', { json: { email: user.email, password: TEST_PASSWORD } })
    ).json();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++)
      statuses.push(
        (await t.request('/api/auth/login/totp', { json: { challenge, code: String(100000 + i) } })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });

  it('an unknown challenge gets nothing', async () => {
    const res = await t.request('/api/auth/login/totp', {
      json: { challenge: 'abcdefghijklmnopqrstuvwx', code: '123456' },
    });
    expect(res.status).toBe(401);
  });
});
