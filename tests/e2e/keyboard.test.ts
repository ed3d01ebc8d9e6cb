/**
 * Every question type answered with the keyboard only, in the graded assessment (all eight fixture
 * questions are drawn, one or more of each type), submitted and scored 100 by the server.
 */
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { publicQuestion, type PublicQuestion } from '../../courses/assessment.ts';
import { rightAnswer } from '../helpers/answers.ts';
import type { Question } from '../../courses/schema/question.ts';
import { fixtures } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const pool = new Map(
  fixtures()
    .courses.get('fixture-course')!
    .pool!.map((q) => [q.id, q]),
);

/** Press Tab until focus is inside the element matching `selector`. */
async function tabInto(page: Page, selector: string) {
  for (let i = 0; i < 60; i++) {
    if (await page.evaluate((s) => !!document.activeElement?.closest(s), selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`could not reach ${selector} with Tab`);
}

const active = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | HTMLSelectElement | null;
    return {
      tag: el?.tagName,
      type: (el as HTMLInputElement)?.type,
      value: el?.value,
      checked: (el as HTMLInputElement)?.checked,
      label: el?.getAttribute('aria-label') ?? '',
    };
  });

/** Answer `q` (the authored question) as shown: `pub` carries this attempt's public ids. */
async function answer(page: Page, q: Question, pub: PublicQuestion) {
  const sel = `fieldset[data-question="${q.id}"]`;
  await page.locator(`${sel} input, ${sel} select, ${sel} button`).first().waitFor();
  await tabInto(page, sel);
  const want = rightAnswer(q, pub);
  switch (q.type) {
    case 'single':
    case 'true-false': {
      // A radio group is one Tab stop; arrow keys move and select.
      const target = String(want);
      for (let i = 0; i < 12 && (await active(page)).value !== target; i++) await page.keyboard.press('ArrowDown');
      if (!(await active(page)).checked) await page.keyboard.press('Space');
      expect((await active(page)).value).toBe(target);
      break;
    }
    case 'multiple': {
      const right = new Set(want as string[]);
      for (let i = 0; i < q.options.length; i++) {
        const a = await active(page);
        if (right.has(a.value!) !== a.checked) await page.keyboard.press('Space');
        if (i < q.options.length - 1) await page.keyboard.press('Tab');
      }
      break;
    }
    case 'matching': {
      const map = want as Record<string, string>;
      for (let i = 0; i < q.pairs.length; i++) {
        const id = await page.evaluate(() => document.activeElement!.id);
        const prompt = pub.prompts!.find((p) => id.endsWith(`-${p.id}`))!.id;
        for (let k = 0; k < 12 && (await active(page)).value !== map[prompt]; k++)
          await page.keyboard.press('ArrowDown');
        expect((await active(page)).value).toBe(map[prompt]);
        if (i < q.pairs.length - 1) await page.keyboard.press('Tab');
      }
      break;
    }
    case 'ordering': {
      // Buttons "move up" on each item until the order is right; focus follows the moved item.
      const target = want as string[];
      const order = () => page.$$eval(`${sel} li > span:first-child`, (els) => els.map((e) => e.textContent));
      const text = (id: string) => pub.items!.find((x) => x.id === id)!.text;
      for (let pos = 0; pos < target.length; pos++) {
        for (let guard = 0; guard < 10 && (await order())[pos] !== text(target[pos]!); guard++) {
          const current = (await order()).indexOf(text(target[pos]!));
          await page.locator(`${sel} li`).nth(current).locator('button').first().focus();
          await page.keyboard.press('Enter');
        }
      }
      expect(await order()).toEqual(target.map(text));
      break;
    }
    case 'numeric':
      await page.keyboard.type(String(want));
      break;
    case 'text':
      await page.keyboard.type(String(want));
      break;
  }
}

describe('keyboard-only answering of every question type', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const page = await browser.newPage();

  it('starts, answers all eight questions with keys only, submits, and the server scores 100', async () => {
    await page.goto(`${server.url}/en/login/`);
    // Sign in with the keyboard too.
    await page.getByLabel('Email').focus();
    await page.keyboard.type('cadet05@oberih.demo');
    await page.keyboard.press('Tab');
    await page.keyboard.type('demo-cadet-2026');
    await page.keyboard.press('Enter');
    await page.waitForURL('**/en/my/');
    await page.goto(`${server.url}/en/courses/fixture-course/assessment/`);
    await page.locator('[data-start]').waitFor();
    await tabInto(page, '[data-start]');
    const started = page.waitForResponse(
      (r) => r.url().endsWith('/api/courses/fixture-course/attempts') && r.request().method() === 'POST',
    );
    await page.keyboard.press('Enter');
    const shown = ((await (await started).json()).attempt.questions as PublicQuestion[]).map((p) => [p.id, p] as const);
    const pubs = new Map(shown);
    await page.locator('fieldset.question').first().waitFor();
    const ids = await page.$$eval('fieldset.question', (els) => els.map((e) => (e as HTMLElement).dataset.question!));
    expect(new Set(ids.map((id) => pool.get(id)!.type))).toEqual(
      new Set(['single', 'multiple', 'true-false', 'matching', 'ordering', 'numeric', 'text']),
    );
    for (const id of ids) await answer(page, pool.get(id)!, pubs.get(id)!);
    await tabInto(page, '[data-submit]');
    await page.keyboard.press('Enter');
    await page.locator('[data-result]').waitFor();
    const wrong = await page.$$eval('.review li', (els) =>
      els.filter((e) => e.getAttribute('data-score') !== '1').map((e) => e.textContent?.slice(0, 80)),
    );
    expect(wrong, 'questions not scored as correct').toEqual([]);
    expect(await page.locator('[data-result]').innerText()).toMatch(/Passed — Score: 100%/);
    // Feedback is in words and symbols, not colour alone.
    expect(await page.locator('.review li').count()).toBe(8);
    expect(await page.locator('.review li').first().innerText()).toMatch(/✓\s*Correct/);
  });

  it('practice quizzes give instant feedback by keyboard: ordering and matching on the check page', async () => {
    await page.goto(`${server.url}/en/courses/fixture-course/check/`);
    const practice = fixtures().courses.get('fixture-course')!.practice.get('check')!;
    for (const q of practice) {
      // Practice questions are shown under their authored ids (scored in the browser).
      await answer(page, q, publicQuestion(q, 'en'));
      await tabInto(page, `fieldset[data-question="${q.id}"] ~ button`);
      await page.keyboard.press('Enter');
      await expect
        .poll(() => page.locator(`fieldset[data-question="${q.id}"] ~ .feedback`).getAttribute('data-status'))
        .toBe('correct');
    }
    expect(await page.locator('.quiz [role="status"]').last().innerText()).toMatch(/Score: 100%/);
  });
  it('a case scenario on a page that also has a quiz is played by keyboard to an outcome, and restarted', async () => {
    await page.goto(`${server.url}/en/courses/fixture-course/response/`);
    const scenario = page.locator('section.scenario');
    await tabInto(page, '.scenario-choices');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toMatch(/listening/);
    await page.keyboard.press('Enter');
    // The consequence is shown, the choice is kept in the story, focus moves to the new situation.
    await expect.poll(() => scenario.locator('[data-outcome]').getAttribute('data-outcome')).toBe('good');
    expect(await scenario.locator('.scenario-step').innerText()).toMatch(/A calm answer helps the child talk/);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sc-secret-now');
    await tabInto(page, 'section.scenario .scenario-current button');
    await page.keyboard.press('Enter');
    await expect.poll(() => scenario.locator('.scenario-choices button').count()).toBe(2);
    expect(await scenario.locator('.scenario-step').count()).toBe(0);
    // The quiz below it was hydrated by the same script.
    expect(await page.locator('.quiz fieldset.question').count()).toBeGreaterThan(0);
    await page.locator('.quiz .quiz-item > button').first().click();
    await expect.poll(() => page.locator('.quiz [role="alert"]').count()).toBe(1);
  });
});
