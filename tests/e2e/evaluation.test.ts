/**
 * The evaluation pages and the admin outbox page in headless Chromium on the fixture site: they load,
 * hydrate, pass axe-core (WCAG 2.x A/AA) and fit a 320 px phone screen; the pre-test is answerable by
 * keyboard and sends no keys to the page.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const FRESH_PASSWORD = 'Fresh learner passphrase 2027';
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
    ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
    return r.violations.map(
      (v) =>
        `${v.id}: ${v.nodes
          .map((n) => n.target.join(' '))
          .slice(0, 3)
          .join(', ')}`,
    );
  });
}

async function signIn(page: Page, url: string, email: string, password: string) {
  await page.goto(`${url}/uk/login/`);
  await page.getByLabel('Електронна пошта').fill(email);
  await page.getByLabel('Пароль').fill(password);
  await page.getByRole('button', { name: 'Увійти' }).click();
  await page.waitForURL(/\/uk\/(my|instructor|admin)\//);
}

describe('evaluation pages', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const context = await browser.newContext({ bypassCSP: true, viewport: { width: 320, height: 640 } });
  const page = await context.newPage();

  it('the admin email page shows the outbox status with no axe violations', async () => {
    const admin = await browser.newContext({ bypassCSP: true });
    const p = await admin.newPage();
    await signIn(p, server.url, 'admin@oberih.demo', 'demo-admin-2026');
    await p.goto(`${server.url}/uk/admin/email/`);
    await p.getByText('SMTP-сервер не налаштовано').waitFor();
    await expect(p.getByLabel('Показати').isVisible()).resolves.toBe(true);
    expect(await axe(p)).toEqual([]);
    // A fresh learner for the pre-test below (the demo learners have already begun the course).
    const res = await p.request.post(`${server.url}/api/admin/users`, {
      headers: { origin: server.url },
      data: { email: 'fresh-cadet@oberih.test', full_name: 'Нова Курсантка', role: 'cadet', password: FRESH_PASSWORD },
    });
    expect(res.status()).toBe(201);
    await admin.close();
  }, 120_000);
  it('the pre-test page works for a signed-in learner, by keyboard, on a phone, with no axe violations', async () => {
    await signIn(page, server.url, 'fresh-cadet@oberih.test', FRESH_PASSWORD);
    await page.goto(`${server.url}/uk/courses/fixture-course/pretest/`);
    await expect(page.getByRole('heading', { level: 1, name: 'Вхідний тест' }).isVisible()).resolves.toBe(true);
    await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
    const start = page.getByRole('button', { name: 'Почати вхідний тест' });
    await start.focus();
    await page.keyboard.press('Enter');
    await page.locator('fieldset.question').first().waitFor();
    expect(await page.locator('fieldset.question').count()).toBe(3);
    expect(await page.content()).not.toContain('PREKEY');
    expect(await axe(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  }, 120_000);

  for (const [name, path] of [
    ['feedback', '/uk/courses/fixture-course/feedback/'],
    ['follow-up (en)', '/en/courses/fixture-course/follow-up/'],
  ] as const) {
    it(`the ${name} page hydrates with no axe violations and fits 320 px`, async () => {
      await page.goto(server.url + path);
      await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'));
      expect(await page.locator('h1').count()).toBe(1);
      expect(await axe(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    });
  }
});
