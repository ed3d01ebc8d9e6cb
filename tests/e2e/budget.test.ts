/**
 * The JavaScript a module page really makes a browser download, measured in Chromium (every script
 * response, gzip-sized from the built file, plus inline scripts). The course-site issue's budgets: a
 * text-only module page ships only the header script (≤ 1 KB, since issue #17: the header shows who is
 * signed in); every course page, one with a quiz island or the graded assessment, ships ≤ 25 KB gzip.
 * Checked for an anonymous reader and for a signed-in learner (whose page also loads the progress
 * tracker and its offline queue), and for a page with a scenario as well as a quiz. The module-page
 * islands are one self-contained script (site/integrations/module-islands.ts), not Astro islands.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const gz = (b: Buffer | string) => zlib.gzipSync(b, { level: 9 }).length;

async function shippedJs(
  browser: Browser,
  base: string,
  siteDir: string,
  pagePath: string,
  signIn?: { email: string; password: string },
) {
  const context = await browser.newContext();
  if (signIn) {
    const login = await context.newPage();
    await login.goto(`${base}/uk/login/`);
    await login.locator('#email').fill(signIn.email);
    await login.locator('#password').fill(signIn.password);
    await login.locator('[data-login-form] button[type=submit]').click();
    await login.waitForURL('**/my/');
    await login.close();
  }
  const page = await context.newPage();
  const scripts = new Set<string>();
  page.on('response', (r) => {
    if (r.request().resourceType() === 'script') scripts.add(new URL(r.url()).pathname);
  });
  await page.goto(base + pagePath);
  // Not 'networkidle': a signed-in page keeps talking to the API (sync). Wait until no new script
  // has been requested for a second after load (lazy chunks included).
  await page.waitForLoadState('load');
  for (let seen = -1; seen !== scripts.size;) {
    seen = scripts.size;
    await page.waitForTimeout(1000);
  }
  const inline = await page.evaluate(() =>
    [...document.scripts].filter((s) => !s.src && s.type !== 'application/json').map((s) => s.textContent ?? ''),
  );
  await context.close();
  const files = [...scripts].filter((p) => p.startsWith('/_astro/'));
  return {
    bytes:
      files.reduce((s, f) => s + gz(fs.readFileSync(path.join(siteDir, f))), 0) + inline.reduce((s, c) => s + gz(c), 0),
    files,
  };
}

/** Every built course page of one locale (`/uk/courses/…/`), the course list excepted. */
function coursePages(siteDir: string, locale = 'uk'): string[] {
  const root = path.join(siteDir, locale, 'courses');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('index.html') && f !== 'index.html')
    .map((f) => `/${locale}/courses/${path.dirname(f).split(path.sep).join('/')}/`)
    .sort();
}

export const TARGET_QUIZ_PAGE = 25 * 1024;
/** The header script every page loads (site/scripts/site-header.ts): all a text-only page ships. */
const TARGET_HEADER = 1024;
const cadet = { email: 'cadet@oberih.demo', password: 'demo-cadet-2026' };

describe('JavaScript shipped by module pages', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const site = '.tmp/fixture-site';

  it('a text-only module page ships only the header script (who is signed in), under 1 KB gzip', async () => {
    for (const who of [undefined, cadet]) {
      const { bytes, files } = await shippedJs(browser, server.url, site, '/uk/courses/fixture-course/words/', who);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(/\/site-header\.[\w-]+\.js$/);
      expect(bytes).toBeLessThanOrEqual(TARGET_HEADER);
    }
  });

  it('a module page with one quiz island ships at most 25 KB gzip, signed in or not', async () => {
    const anonymous = await shippedJs(browser, server.url, site, '/uk/courses/fixture-course/check/');
    const signedIn = await shippedJs(browser, server.url, site, '/uk/courses/fixture-course/check/', cadet);
    console.log(
      `quiz page: ${anonymous.bytes} B gzip JS anonymous, ${signedIn.bytes} B signed in (${signedIn.files.join(', ')})`,
    );
    // The signed-in page really loads more (the tracker), so the measurement sees lazy chunks too.
    expect(signedIn.files.length).toBeGreaterThan(anonymous.files.length);
    expect(signedIn.files.filter((f) => f.includes('module-islands'))).toHaveLength(1);
    expect(anonymous.bytes).toBeLessThanOrEqual(TARGET_QUIZ_PAGE);
    expect(signedIn.bytes).toBeLessThanOrEqual(TARGET_QUIZ_PAGE);
  });

  it('every built course page (overview, module, plan, assessment) stays within 25 KB gzip for a signed-in learner', async () => {
    const pages = coursePages(site);
    // The fixture has every kind of course page: a course overview, module pages and the graded assessment.
    expect(pages.some((p) => p.endsWith('/assessment/'))).toBe(true);
    const over: string[] = [];
    for (const p of pages) {
      const { bytes, files } = await shippedJs(browser, server.url, site, p, cadet);
      console.log(`${p}: ${bytes} B gzip JS signed in (${files.join(', ')})`);
      if (bytes > TARGET_QUIZ_PAGE) over.push(`${p}: ${bytes} B`);
    }
    expect(over).toEqual([]);
  }, 180_000);

  it('a page with a scenario and a quiz loads one islands script and stays within the budget too', async () => {
    const { bytes, files } = await shippedJs(browser, server.url, site, '/uk/courses/fixture-course/response/', cadet);
    expect(files.filter((f) => f.includes('module-islands'))).toHaveLength(1);
    expect(bytes).toBeLessThanOrEqual(TARGET_QUIZ_PAGE);
  });
});
