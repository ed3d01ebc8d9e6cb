/** New passwords: not one of the 100,000 most common, not containing the email's name (issue #19 item 7). */
import { describe, expect, it } from 'vitest';
import { isCommonPassword } from '../../../api/auth/password-policy.ts';
import { makeTestApp, TEST_PASSWORD } from '../../helpers/app.ts';

describe('password policy', async () => {
  const t = await makeTestApp();

  it('knows the list: 100,000 entries, the most common first, case-insensitively', () => {
    expect(isCommonPassword('qwertyuiop')).toBe(true);
    expect(isCommonPassword('QwertyUIOP')).toBe(true);
    expect(isCommonPassword('1q2w3e4r5t')).toBe(true);
    expect(isCommonPassword('velvet otter kyiv lantern')).toBe(false);
  });

  it('refuses a common password on change, and says why', async () => {
    const { cookie } = await t.userWithSession('instructor');
    const res = await t.request('/api/me/password', {
      cookie,
      json: { current_password: TEST_PASSWORD, new_password: '1234567890' },
    });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.error.fields.new_password).toMatch(/100,000 most common/);
  });

  it("refuses a password containing the email's local part, and says why", async () => {
    const user = await t.createUser('officer', 'petrenko.ivan@police.test');
    const cookie = await t.login(user.email);
    for (const pw of ['Petrenko.Ivan2026', 'i am petrenko.ivan, hello']) {
      const res = await t.request('/api/me/password', {
        cookie,
        json: { current_password: TEST_PASSWORD, new_password: pw },
      });
      expect(res.status, pw).toBe(400);
      expect((await res.json()).error.message).toMatch(/from the email address/);
    }
    const ok = await t.request('/api/me/password', {
      cookie,
      json: { current_password: TEST_PASSWORD, new_password: 'velvet otter kyiv lantern' },
    });
    expect(ok.status).toBe(200);
  });

  it('the admin cannot create an account with a common password either', async () => {
    const { cookie } = await t.userWithSession('admin');
    const res = await t.request('/api/admin/users', {
      cookie,
      json: { email: 'new.one@test.ua', full_name: 'Новий', role: 'cadet', password: 'qwertyuiop' },
    });
    expect(res.status).toBe(400);
  });
});
