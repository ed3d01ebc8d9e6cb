/**
 * The coordinator's programme dashboard in Chromium against the real server and the seeded demo:
 * the national coordinator signs in, sees aggregates with suppressed cells, charts with their
 * summaries and tables, CSV and PDF links, in Ukrainian and English, with no axe-core violations.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axe(page: Page) {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run: (ctx: Document, o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('programme dashboard (browser)', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const coordinator = DEMO_ACCOUNTS.find((a) => a.role === 'coordinator')!;

  it('signs the national coordinator in and shows aggregates with suppressed cells', async () => {
    await page.goto(`${server.url}/uk/login/?next=/uk/programme/`);
    await page.getByLabel('Електронна пошта').fill(coordinator.email);
    await page.getByLabel('Пароль').fill(coordinator.password);
    await page.getByRole('button', { name: 'Увійти' }).click();
    await page.waitForURL('**/uk/programme/');
    await page.locator('[data-programme-total]').waitFor();
    // 30 Lviv cadets + 3 Vinnytsia officers + 12 Kyiv cadets + 8 specialists.
    expect(await page.locator('[data-programme-total]').innerText()).toMatch(/Зараховано\s+53/);
    const organisations = page.locator('[data-programme-table="organisations"]');
    expect(await organisations.innerText()).toContain('<5');
    expect(await organisations.innerText()).not.toMatch(/@oberih\.demo/);
    expect(await page.locator('a[href^="/api/programme/tables/oblasts.csv"]').count()).toBe(1);
    expect(await page.locator('a[href^="/api/programme/report.pdf"]').count()).toBe(2);
  });

  it('draws the charts, each with a text summary and a data table', async () => {
    const canvases = page.locator('canvas[data-chart]');
    await expect.poll(() => canvases.count()).toBeGreaterThanOrEqual(2);
    for (const c of await canvases.all()) await c.scrollIntoViewIfNeeded();
    const figures = page.locator('figure.chart');
    for (let i = 0; i < (await figures.count()); i++) {
      expect((await figures.nth(i).locator('.summary').innerText()).length).toBeGreaterThan(10);
      await figures.nth(i).locator('details summary').click();
      await figures.nth(i).locator('table').waitFor({ state: 'visible' });
    }
    expect(await page.locator('[data-chart-table="programme-oblasts"] tbody tr').count()).toBeGreaterThan(0);
  });

  it('shows the evaluation figures: gain with CIs, reaction with its chart, follow-up, response rates', async () => {
    const course = page.locator('[data-programme-evaluation]').first();
    await course.scrollIntoViewIfNeeded();
    // The demo plants pre-tests and reaction answers for the Lviv cadets (db/seed-evaluation.ts).
    const gain = course.locator('[data-evaluation-table="gain"]');
    const lvivRow = gain.locator('tbody tr', { hasText: 'Львівська' });
    expect(await lvivRow.locator('td').nth(0).innerText()).toMatch(/^\d+$/);
    // Gain and d_z with their 95 % intervals.
    expect(await lvivRow.innerText()).toMatch(/\[-?\d+,\d; -?\d+,\d\]/);
    expect((await course.locator('.summary').first().innerText()).length).toBeGreaterThan(20);
    const reaction = course.locator('[data-evaluation-table="reaction"] tbody tr', { hasText: 'Львівська' });
    expect(await reaction.innerText()).toMatch(/\d,\d\d/);
    expect(await course.locator('figure.chart').count()).toBe(1);
    // Every demo completion is weeks old: the 90-day follow-up has no answers yet, and says so.
    expect(await course.innerText()).toContain('Застосування не можна показати');
    expect(await page.locator('#programme-evaluation ~ *').first().innerText()).not.toMatch(/@oberih\.demo/);
    expect(await page.locator('a[href^="/api/programme/tables/evaluation.csv"]').count()).toBe(1);
  });

  it('shows group supervision hours by oblast (the demo has none attended yet)', async () => {
    const section = page.locator('[data-programme-supervision]');
    await section.waitFor();
    expect(await section.locator('h2').innerText()).toBe('Групова супервізія');
    expect(await section.innerText()).toMatch(/Ще немає відвіданих занять/);
  });

  it('has no axe violations, in Ukrainian and in English', async () => {
    expect(await axe(page)).toEqual([]);
    await page.goto(`${server.url}/en/programme/`);
    await page.locator('[data-programme-total]').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Programme overview for coordinators');
    await page.locator('[data-programme-evaluation]').first().scrollIntoViewIfNeeded();
    await page.locator('figure.chart canvas').last().waitFor();
    expect(await page.locator('[data-programme-evaluation]').innerText()).toContain('Knowledge gain');
    expect(await axe(page)).toEqual([]);
  });

  it('filters to one oblast and downloads its CSV with a BOM', async () => {
    await page.locator('#programme-oblast').selectOption('46');
    await page.getByRole('button', { name: 'Update' }).click();
    await expect.poll(() => page.locator('[data-programme-table="oblasts"] tbody tr').count()).toBe(1);
    const res = await page.request.get(`${server.url}/api/programme/tables/oblasts.csv?oblast=46&locale=en`);
    expect(res.status()).toBe(200);
    expect([...(await res.body()).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(errors).toEqual([]);
  });
});
