/**
 * axe-core (WCAG 2.0–2.2 A/AA rules) on the real courses' pages in headless Chromium, plus the
 * layout checks axe cannot do: 320 px wide without horizontal scrolling, and 200% zoom.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

async function axe(page: Page) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            o: unknown,
          ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    });
    return r.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  });
  return result;
}

describe('accessibility of the real course site', async () => {
  const server = await startServer({ SITE_DIR: 'dist/site', CONTENT_DIR: 'content' });
  const browser = await launchBrowser();
  // axe is injected as a script tag: let it past our own CSP in this test context only.
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  const pages = [
    ['home', '/uk/'],
    ['home (en)', '/en/'],
    ['catalogue', '/uk/courses/'],
    ['course overview', '/uk/courses/initial-online-abuse/'],
    ['module with quiz and scenario', '/uk/courses/initial-online-abuse/first-response/'],
    ['module (en)', '/en/courses/inservice-refresher/threat-update/'],
    ['glossary', '/uk/glossary/'],
    ['help', '/uk/help/'],
    ['login', '/uk/login/'],
  ] as const;

  for (const [name, path] of pages) {
    it(`${name} has no axe violations`, async () => {
      await page.goto(server.url + path);
      await page.waitForLoadState('networkidle');
      expect(await axe(page)).toEqual([]);
    });
  }

  it('My learning (signed in) has no axe violations', async () => {
    await page.goto(`${server.url}/uk/login/`);
    await page.getByLabel('Електронна пошта').fill('cadet@oberih.demo');
    await page.getByLabel('Пароль').fill('demo-cadet-2026');
    await page.getByRole('button', { name: 'Увійти' }).click();
    await page.waitForURL('**/uk/my/');
    await page.locator('.my-courses').waitFor();
    expect(await axe(page)).toEqual([]);
  });

  it('works at 320 px wide and at 200% zoom without horizontal scrolling', async () => {
    const narrow = await context.newPage();
    await narrow.setViewportSize({ width: 320, height: 640 });
    for (const path of ['/uk/', '/uk/courses/initial-online-abuse/first-response/', '/uk/glossary/']) {
      await narrow.goto(server.url + path);
      expect(await narrow.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(320);
    }
    // 200% zoom of a 1280 px window lays out like 640 CSS px.
    const zoomed = await browser.newPage({ viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 });
    await zoomed.goto(`${server.url}/uk/courses/initial-online-abuse/first-response/`);
    expect(await zoomed.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(640);
  });

  it('every page has lang, a skip link to main, one h1, and headings that do not skip levels', async () => {
    for (const [, path] of pages) {
      await page.goto(server.url + path);
      const info = await page.evaluate(() => {
        const levels = [...document.querySelectorAll('main h1, main h2, main h3, main h4')].map((h) =>
          Number(h.tagName[1]),
        );
        const skips = levels.some((l, i) => i > 0 && l > levels[i - 1]! + 1);
        return {
          lang: document.documentElement.lang,
          skip: document.querySelector('a.skip')?.getAttribute('href'),
          h1: document.querySelectorAll('h1').length,
          skips,
        };
      });
      expect(info, path).toMatchObject({ skip: '#main', h1: 1, skips: false });
      expect(['uk', 'en']).toContain(info.lang);
    }
  });
});
