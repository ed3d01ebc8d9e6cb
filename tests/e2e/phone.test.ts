/**
 * Phones first (issue #17): no built page scrolls sideways on a 360 × 800 px phone, signed out and
 * signed in with the role the page is for (learner pages as a cadet, the instructor's pages as an
 * instructor, the admin's as an admin), with the page's dynamic content drawn: the graded assessment
 * with its questions (the matching selects once ran past the edge), the cohort dashboard with its
 * charts and tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const SITE = '.tmp/fixture-site';
const PHONE = { width: 360, height: 800 };

/** Every built page (`/uk/…/`, `/en/…/`), from the HTML files of a built site. */
function builtPages(site = SITE): string[] {
  return fs
    .readdirSync(site, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('index.html') && /^(uk|en)\//.test(f))
    .map((f) => `/${path.dirname(f).split(path.sep).join('/')}/`)
    .sort();
}

const account = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!;
/** Who a page is for: the dashboards need their role; every other page is checked as a learner. */
const roleFor = (page: string) =>
  page.includes('/admin/')
    ? account('admin@oberih.demo')
    : page.includes('/instructor/')
      ? account('instructor@oberih.demo')
      : page.includes('/programme/')
        ? account('coordinator@oberih.demo')
        : account('cadet@oberih.demo');

async function signedInPage(browser: Browser, base: string, who?: { email: string; password: string }) {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  if (who) {
    await page.goto(`${base}/uk/login/`);
    await page.locator('#email').fill(who.email);
    await page.locator('#password').fill(who.password);
    await page.locator('[data-login-form] button[type=submit]').click();
    await page.waitForURL('**/my/');
  }
  return page;
}

const scrollWidth = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

/** What sticks out past the right edge, to say which element is at fault. */
const overflowing = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${e.className} (${Math.round(e.getBoundingClientRect().right)} px)`),
  );

describe('every page at 360 × 800 px', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const pages = builtPages();

  async function check(page: Page, url: string) {
    const width = await scrollWidth(page);
    expect(width, `${url} scrolls sideways: ${(await overflowing(page)).join(', ')}`).toBeLessThanOrEqual(PHONE.width);
  }

  it('the fixture site has the pages this test is about', () => {
    expect(pages).toContain('/uk/courses/fixture-course/assessment/');
    expect(pages).toContain('/uk/instructor/cohort/');
    expect(pages.length).toBeGreaterThan(40);
  });

  it('signed out, no page scrolls sideways, with the menu closed or open', async () => {
    const page = await signedInPage(browser, server.url);
    for (const url of pages) {
      await page.goto(server.url + url);
      await page.waitForLoadState('load');
      await check(page, url);
    }
    await page.locator('header.site summary').click();
    await expect.poll(() => page.locator('header.site nav').isVisible()).toBe(true);
    await check(page, 'the last page with its menu open');
    await page.context().close();
  }, 180_000);

  it('signed in with the role each page is for, no page scrolls sideways', async () => {
    const byRole = new Map<string, string[]>();
    for (const url of pages) byRole.set(roleFor(url).email, [...(byRole.get(roleFor(url).email) ?? []), url]);
    for (const [email, urls] of byRole) {
      const page = await signedInPage(browser, server.url, account(email));
      for (const url of urls) {
        await page.goto(server.url + url);
        await page.waitForLoadState('load');
        // Let the islands fetch and draw what the person sees.
        await page.waitForTimeout(300);
        await check(page, `${url} as ${email}`);
      }
      await page.context().close();
    }
  }, 180_000);

  it('the graded assessment with its questions (matching selects included) fits', async () => {
    const page = await signedInPage(browser, server.url, account('cadet@oberih.demo'));
    for (const locale of ['uk', 'en']) {
      await page.goto(`${server.url}/${locale}/courses/fixture-course/assessment/`);
      // The attempt started on the first page goes on in the other language.
      await page.locator('[data-start], .matching select').first().waitFor();
      if (await page.locator('[data-start]').isVisible()) await page.locator('[data-start]').click();
      await page.locator('.matching select').first().waitFor();
      await check(page, `${locale} assessment in progress`);
    }
    await page.context().close();
  });

  it("the instructor's cohort dashboard with its charts and tables fits", async () => {
    const page = await signedInPage(browser, server.url, account('instructor@oberih.demo'));
    await page.goto(`${server.url}/uk/instructor/`);
    await page.locator('[data-cohorts] a').first().click();
    await page.waitForURL('**/uk/instructor/cohort/?id=*');
    await page.locator('[data-cohort-name]').waitFor();
    // The charts render a moment after the name and figures (a task of their own).
    await page.locator('canvas[data-chart]').first().waitFor();
    for (const c of await page.locator('canvas[data-chart]').all()) await c.scrollIntoViewIfNeeded();
    await page.waitForTimeout(500);
    await check(page, 'cohort dashboard');
    await page.context().close();
  });

  it("the coordinator's programme dashboard with its evaluation section fits", async () => {
    const page = await signedInPage(browser, server.url, account('coordinator@oberih.demo'));
    for (const locale of ['uk', 'en']) {
      await page.goto(`${server.url}/${locale}/programme/`);
      await page.locator('[data-programme-evaluation]').first().waitFor();
      for (const c of await page.locator('canvas[data-chart]').all()) await c.scrollIntoViewIfNeeded();
      await page.waitForTimeout(500);
      await check(page, `${locale} programme dashboard`);
    }
    await page.context().close();
  });

  it('the real courses (when built): no page scrolls sideways, signed out', async () => {
    const REAL = 'dist/site';
    if (!fs.existsSync(REAL)) return; // SKIP_REAL_BUILD=1: the fixture site above covers every kind of page
    const real = await startServer({ SITE_DIR: REAL, CONTENT_DIR: 'content' });
    const page = await signedInPage(browser, real.url);
    for (const url of builtPages(REAL)) {
      await page.goto(real.url + url);
      await page.waitForLoadState('load');
      await check(page, url);
    }
    await page.context().close();
  }, 300_000);
});
