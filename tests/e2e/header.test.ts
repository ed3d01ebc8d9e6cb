/**
 * The header knows who is signed in (issue #17): on every static page a signed-in person sees their
 * name and role, "My learning", their workspace when their role has one, and "Sign out" instead of
 * "Sign in"; signed out, or without JavaScript, the header is the one that was built. Showing it
 * shifts nothing (CLS ≤ 0.01).
 */
import { describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const WIDE = { width: 1280, height: 800 };
const ROLE_UK: Record<string, string> = {
  cadet: 'курсант',
  officer: 'поліцейський',
  instructor: 'викладач',
  admin: 'адміністратор',
  coordinator: 'координатор',
};
/** Static pages of each kind: a text-only module page, the course list, the assessment, "My learning". */
const PAGES = [
  '/uk/courses/fixture-course/words/',
  '/uk/courses/',
  '/uk/courses/fixture-course/assessment/',
  '/uk/my/',
];

async function signIn(browser: Browser, base: string, email: string, password: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: WIDE });
  const page = await context.newPage();
  await page.goto(`${base}/uk/login/`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('[data-login-form] button[type=submit]').click();
  await page.waitForURL('**/my/');
  await page.close();
  return context;
}

/** The page's layout shifts so far (not those right after an input), as the CLS metric adds them up. */
const layoutShift = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let sum = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[])
            if (!e.hadRecentInput) sum += e.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(sum), 300);
      }),
  );

const header = (page: Page) => ({
  signIn: page.locator('header.site').getByRole('link', { name: 'Увійти' }),
  signOut: page.locator('header.site').getByRole('button', { name: 'Вийти' }),
  who: page.locator('header.site [data-header-who]').first(),
  my: page.locator('header.site').getByRole('link', { name: 'Моє навчання' }),
  instructor: page.locator('header.site').getByRole('link', { name: 'Кабінет викладача' }),
  admin: page.locator('header.site').getByRole('link', { name: 'Адміністрування' }),
  programme: page.locator('header.site').getByRole('link', { name: 'Програма' }),
});

describe('the header', async () => {
  const server = await startServer();
  const browser = await launchBrowser();

  it('signed out, it offers "Sign in" and no account, workspace or "Sign out"', async () => {
    const context = await browser.newContext({ viewport: WIDE });
    const page = await context.newPage();
    for (const url of PAGES) {
      await page.goto(server.url + url);
      const h = header(page);
      await expect.poll(() => h.signIn.isVisible()).toBe(true);
      expect(await h.signOut.isVisible()).toBe(false);
      expect(await h.who.isVisible()).toBe(false);
      expect(await h.instructor.isVisible()).toBe(false);
      expect(await h.admin.isVisible()).toBe(false);
      expect(await h.programme.isVisible()).toBe(false);
    }
    await context.close();
  });

  for (const role of ['cadet', 'officer', 'instructor', 'admin', 'coordinator'] as const) {
    it(`signed in as ${role}: name and role, "My learning", ${role === 'admin' ? 'both workspaces' : role === 'instructor' ? 'the instructor workspace' : role === 'coordinator' ? 'the programme overview' : 'no workspace'}, "Sign out"; nothing shifts`, async () => {
      const account = DEMO_ACCOUNTS.find((a) => a.email === `${role}@oberih.demo`)!;
      const context = await signIn(browser, server.url, account.email, account.password);
      const page = await context.newPage();
      for (const url of PAGES) {
        await page.goto(server.url + url);
        const h = header(page);
        await expect.poll(() => h.who.isVisible()).toBe(true);
        expect(await h.who.innerText()).toBe(`${account.full_name} (${ROLE_UK[role]})`);
        expect(await h.signIn.isVisible(), url).toBe(false);
        expect(await h.signOut.isVisible(), url).toBe(true);
        expect(await h.my.isVisible(), url).toBe(true);
        expect(await h.instructor.isVisible(), url).toBe(role === 'instructor' || role === 'admin');
        expect(await h.admin.isVisible(), url).toBe(role === 'admin');
        // The programme overview: coordinators and admins.
        expect(await h.programme.isVisible(), url).toBe(role === 'coordinator' || role === 'admin');
        expect(await layoutShift(page), `CLS on ${url}`).toBeLessThanOrEqual(0.01);
      }
      await context.close();
    });
  }

  it('on a phone the same items are in the menu, which opens by keyboard', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.email === 'instructor@oberih.demo')!;
    const context = await signIn(browser, server.url, account.email, account.password);
    const page = await context.newPage();
    await page.setViewportSize({ width: 360, height: 800 });
    await page.goto(`${server.url}/uk/courses/fixture-course/words/`);
    const h = header(page);
    // Closed: a menu button, no links.
    const button = page.locator('header.site summary');
    expect(await button.innerText()).toBe('Меню');
    expect(await h.my.isVisible()).toBe(false);
    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => h.who.isVisible()).toBe(true);
    expect(await h.instructor.isVisible()).toBe(true);
    expect(await h.signOut.isVisible()).toBe(true);
    // The disclosure's state is exposed (a <details>' summary is a button with aria-expanded).
    expect(await page.locator('header.site details').getAttribute('open')).not.toBeNull();
    await context.close();
  });

  it('without JavaScript, signed in, it stays as built ("Sign in"), and the phone menu still opens', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.email === 'admin@oberih.demo')!;
    const signedIn = await signIn(browser, server.url, account.email, account.password);
    const context = await browser.newContext({
      viewport: { width: 360, height: 800 },
      javaScriptEnabled: false,
      storageState: await signedIn.storageState(),
    });
    await signedIn.close();
    const page = await context.newPage();
    await page.goto(`${server.url}/uk/courses/fixture-course/words/`);
    const h = header(page);
    await page.locator('header.site summary').click();
    expect(await h.signIn.isVisible()).toBe(true);
    expect(await h.signOut.isVisible()).toBe(false);
    expect(await h.admin.isVisible()).toBe(false);
    await context.close();
  });

  it('"Sign out" in the header ends the session and the header says "Sign in" again', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.email === 'cadet@oberih.demo')!;
    const context = await signIn(browser, server.url, account.email, account.password);
    const page = await context.newPage();
    await page.goto(`${server.url}/uk/courses/fixture-course/words/`);
    await header(page).signOut.click();
    await page.waitForURL(`${server.url}/uk/`);
    await expect.poll(() => header(page).signIn.isVisible()).toBe(true);
    expect(await header(page).who.isVisible()).toBe(false);
    expect((await page.request.get(`${server.url}/api/me`)).status()).toBe(401);
    await context.close();
  });

  it('a session that ended elsewhere puts the header back to "Sign in" when the server is next asked', async () => {
    const account = DEMO_ACCOUNTS.find((a) => a.email === 'officer@oberih.demo')!;
    const context = await signIn(browser, server.url, account.email, account.password);
    const page = await context.newPage();
    await page.goto(`${server.url}/uk/courses/`);
    await expect.poll(() => header(page).who.isVisible()).toBe(true);
    // The session is gone (signed out on another device, expired) and the remembered name is due a check.
    await context.clearCookies();
    await page.evaluate(() => {
      const who = JSON.parse(localStorage.getItem('oberih.who')!);
      localStorage.setItem('oberih.who', JSON.stringify({ ...who, checked: 0 }));
    });
    await page.reload();
    await expect.poll(() => header(page).signIn.isVisible()).toBe(true);
    expect(await header(page).who.isVisible()).toBe(false);
    await context.close();
  });
});
