/** Two-step sign-in in Chromium (issue #19 item 6): enrol with the QR page, then sign in with a second step. */
import { afterAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../api/auth/totp.ts';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('two-step sign-in in the browser', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  afterAll(async () => {
    await browser.close();
    await server.stop();
  });
  const officer = DEMO_ACCOUNTS.find((a) => a.role === 'officer')!;

  it('enrols with the QR code page, shows recovery codes once, and then asks for a code at sign-in', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${server.url}/en/login/?next=/en/my/security/`);
    await page.getByLabel('Email').fill(officer.email);
    await page.getByLabel('Password').fill(officer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/en/my/security/');
    await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
    await expect.poll(() => page.locator('[data-secret]').innerText()).toMatch(/^[A-Z2-7 ]{32,}$/);
    expect(await page.getByAltText('QR code with the key for the authenticator app').getAttribute('src')).toMatch(
      /^data:image\/svg\+xml;base64,/,
    );
    const secret = (await page.locator('[data-secret]').innerText()).replace(/\s/g, '');
    await page.getByLabel('6-digit code (or a recovery code)').fill(totpCode(secret, Date.now()));
    await page.getByRole('button', { name: 'Switch on' }).click();
    await expect.poll(() => page.locator('[data-codes] li').count()).toBe(10);
    const recovery = await page.locator('[data-codes] li').first().innerText();
    await ctx.close();

    // A new browser: the password opens only the second step; a recovery code completes it.
    const ctx2 = await browser.newContext();
    const p2 = await ctx2.newPage();
    await p2.goto(`${server.url}/en/login/`);
    await p2.getByLabel('Email').fill(officer.email);
    await p2.getByLabel('Password').fill(officer.password);
    await p2.getByRole('button', { name: 'Sign in' }).click();
    const code = p2.getByLabel('6-digit code (or a recovery code)');
    await code.waitFor();
    expect(await p2.locator('[data-login-form]').isHidden()).toBe(true);
    await code.fill('000000');
    await p2.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => p2.locator('[data-totp-form] [data-error]').innerText()).toMatch(/Wrong or expired code/);
    await code.fill(recovery);
    await p2.getByRole('button', { name: 'Confirm' }).click();
    await p2.waitForURL('**/en/my/');
    await ctx2.close();
  }, 120_000);
});
