/**
 * Numbers in the reader's language (issue #17): the Ukrainian pages never show an ASCII-decimal
 * percentage (`89.6%`), and the ones drawn in the browser (the cohort dashboard with its data tables,
 * "My learning", the assessment) write percentages the Ukrainian way (`89,6 %`). Scans the built
 * pages of both sites (the fixture and, when built, the real courses) and the rendered dashboards.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

/** A percentage written with an ASCII decimal point: `89.6%`, `89.6 %`. */
const ASCII_DECIMAL_PERCENT = /\d\.\d+[\s\u00a0\u202f]?%/g;
/** A percentage glued to its number (`89%`): Ukrainian sets the sign off with a space. */
const GLUED_PERCENT = /\d%/g;

/** The visible text of a built page (scripts, styles and tags removed; entities that matter decoded). */
function pageText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, '\u00a0')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

function ukPages(site: string): string[] {
  const root = path.join(site, 'uk');
  return fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html'))
    .map((f) => path.join(root, f));
}

const text = (page: Page) => page.evaluate(() => document.body.innerText);

describe('numbers on the Ukrainian pages', async () => {
  const server = await startServer();
  const browser = await launchBrowser();

  for (const site of ['.tmp/fixture-site', 'dist/site']) {
    it(`no built uk page of ${site} shows an ASCII-decimal percentage`, () => {
      if (site === 'dist/site' && !fs.existsSync(site)) return; // SKIP_REAL_BUILD=1: the fixture is scanned
      const found = ukPages(site).flatMap((file) =>
        [...pageText(fs.readFileSync(file, 'utf8')).matchAll(ASCII_DECIMAL_PERCENT)].map((m) => `${file}: ${m[0]}`),
      );
      expect(found).toEqual([]);
    });
  }

  it('the course overview writes its pass mark the Ukrainian way', () => {
    const html = pageText(fs.readFileSync('.tmp/fixture-site/uk/courses/fixture-course/index.html', 'utf8'));
    expect(html.match(GLUED_PERCENT)).toBeNull();
    expect(html).toMatch(/\d\u202f%/);
  });

  it("the instructor's cohort dashboard and its data tables, rendered", async () => {
    const instructor = DEMO_ACCOUNTS.find((a) => a.email === 'instructor@oberih.demo')!;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/uk/login/?next=/uk/instructor/`);
    await page.locator('#email').fill(instructor.email);
    await page.locator('#password').fill(instructor.password);
    await page.locator('[data-login-form] button[type=submit]').click();
    await page.waitForURL('**/uk/instructor/');
    await page.locator('[data-cohorts] a').first().click();
    await page.waitForURL('**/uk/instructor/cohort/?id=*');
    await page.locator('[data-cohort-name]').waitFor();
    // The charts render a moment after the name and figures (a task of their own).
    await page.locator('canvas[data-chart]').first().waitFor();
    for (const c of await page.locator('canvas[data-chart]').all()) await c.scrollIntoViewIfNeeded();
    for (const s of await page.locator('figure.chart summary').all()) await s.click();
    await page.locator('[data-chart-table]').first().waitFor();
    const dashboard = await text(page);
    // The seeded cohort has scores: the page does show percentages.
    expect(dashboard).toMatch(/\d\u202f%/);
    expect(dashboard.match(ASCII_DECIMAL_PERCENT)).toBeNull();
    expect(dashboard.match(GLUED_PERCENT)).toBeNull();
    await context.close();
  });

  it('"My learning" and the assessment of a learner with a scored attempt, rendered', async () => {
    const cadet = DEMO_ACCOUNTS.find((a) => a.email === 'cadet@oberih.demo')!;
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/uk/login/`);
    await page.locator('#email').fill(cadet.email);
    await page.locator('#password').fill(cadet.password);
    await page.locator('[data-login-form] button[type=submit]').click();
    await page.waitForURL('**/uk/my/');
    await page.locator('[data-course]').first().waitFor();
    const my = await text(page);
    expect(my).toMatch(/\d\u202f%/);
    expect(my.match(ASCII_DECIMAL_PERCENT)).toBeNull();
    expect(my.match(GLUED_PERCENT)).toBeNull();
    await page.goto(`${server.url}/uk/courses/fixture-course/assessment/`);
    await page.locator('[data-start]').waitFor();
    const assessment = await text(page);
    expect(assessment).toMatch(/\d\u202f%/);
    expect(assessment.match(GLUED_PERCENT)).toBeNull();
    await context.close();
  });
});
