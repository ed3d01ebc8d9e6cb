import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, expect } from 'vitest';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchChromium } from './chromium.ts';

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network (see chromium.ts). */
export async function launchBrowser(): Promise<Browser> {
  const browser = await launchChromium([
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-gpu',
    '--no-first-run',
  ]);
  afterAll(() => browser.close());
  return browser;
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** A browser context signed in as a demo account; CSP bypassed only so `axe` can inject axe-core. */
export async function signInDemo(browser: Browser, base: string, email: string): Promise<BrowserContext> {
  const who = DEMO_ACCOUNTS.find((a) => a.email === email)!;
  const context = await browser.newContext({ bypassCSP: true });
  const page = await context.newPage();
  await page.goto(`${base}/uk/login/`);
  await page.locator('#email').fill(who.email);
  await page.locator('#password').fill(who.password);
  await page.locator('[data-login-form] button[type=submit]').click();
  await page.waitForURL('**/my/');
  await page.close();
  return context;
}

/** axe-core's WCAG 2.2 AA violations on the page, one line each. */
export async function axe(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const r = await (
      window as unknown as {
        axe: {
          run: (d: Document, o: unknown) => Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** Whether the page, as it is now, fits a 360 px phone without sideways scroll (the viewport is put back). */
export async function fitsPhone(page: Page) {
  await page.setViewportSize({ width: 360, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  await page.setViewportSize({ width: 1280, height: 720 });
}
