/**
 * Issue #18, item 4, in the browser with the network cut: answers given online are saved on the
 * server as the learner goes; the learner finishes offline after the server-side deadline; back
 * online the submission is kept as late, pending review (the in-time answers are what counted), and
 * the cohort's instructor accepts it from the dashboard queue, after which it counts.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { formatPercent } from '../../courses/format.ts';
import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { PublicQuestion } from '../../courses/assessment.ts';
import type { Question } from '../../courses/schema/question.ts';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { rightAnswer } from '../helpers/answers.ts';
import { fixtures } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const pool = new Map(
  fixtures()
    .courses.get('fixture-course')!
    .pool!.map((q) => [q.id, q]),
);

/** Answer one question right through the page's own inputs (the attempt's public ids). */
async function answerRight(page: Page, q: Question, pub: PublicQuestion) {
  const want = rightAnswer(q, pub);
  const sel = `fieldset[data-question="${q.id}"]`;
  if (q.type === 'single' || q.type === 'true-false')
    await page.locator(`${sel} input[value="${String(want)}"]`).check();
  if (q.type === 'multiple') for (const o of want as string[]) await page.locator(`${sel} input[value="${o}"]`).check();
  if (q.type === 'numeric' || q.type === 'text') await page.locator(`${sel} input`).fill(String(want));
  if (q.type === 'matching')
    for (const [k, v] of Object.entries(want as Record<string, string>))
      await page.locator(`${sel} select[id$="-${k}"]`).selectOption(v);
  if (q.type === 'ordering') {
    const texts = (want as string[]).map((id) => pub.items!.find((i) => i.id === id)!.text);
    for (let pos = 0; pos < texts.length; pos++)
      for (let guard = 0; guard < 6; guard++) {
        const order = await page.$$eval(`${sel} li > span:first-child`, (els) => els.map((e) => e.textContent));
        const at = order.indexOf(texts[pos]!);
        if (at === pos) break;
        await page.locator(`${sel} li`).nth(at).locator('button').first().click();
      }
  }
}

/** Join the demo cohort (its instructor is instructor@oberih.demo) as a new learner. */
async function redeem(page: Page, base: string, email: string, name: string) {
  await page.goto(`${base}/en/login/`);
  const status = await page.evaluate(
    async ([email, name]) => {
      const r = await fetch('/api/auth/redeem', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          code: 'LVIV-2026-DEMO-CODE',
          full_name: name,
          email,
          password: 'late passphrase 1',
          locale: 'en',
        }),
      });
      localStorage.setItem('oberih.signedIn', String((await r.json()).user.id));
      return r.status;
    },
    [email, name] as const,
  );
  expect(status).toBe(201);
}

describe('deadline and late review with the network cut', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const dbFile = path.join(server.dataDir, 'oberih.sqlite');

  it('saves as it goes, keeps an offline finish after the deadline pending, counts it once accepted', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await redeem(page, server.url, 'late.exam@test.ua', 'Пізня Спроба');
    await page.goto(`${server.url}/en/courses/fixture-course/assessment/`);
    const started = page.waitForResponse(
      (r) => r.url().endsWith('/api/courses/fixture-course/attempts') && r.request().method() === 'POST',
    );
    await page.locator('[data-start]').click();
    const attempt = (await (await started).json()).attempt as { id: string; questions: PublicQuestion[] };
    await page.locator('fieldset.question').first().waitFor();

    // Online: two answers, saved on the server as the learner goes.
    const [first, second, ...rest] = attempt.questions;
    const saved = page.waitForResponse((r) => r.url().endsWith('/answers') && r.request().method() === 'PUT');
    await answerRight(page, pool.get(first!.id)!, first!);
    await answerRight(page, pool.get(second!.id)!, second!);
    expect((await saved).status()).toBe(200);
    const savedIds = () => {
      const db = new SQLite(dbFile, { readonly: true });
      try {
        const rows = db.prepare('select question_id from attempt_saves where attempt_id = ?').all(attempt.id);
        return (rows as { question_id: string }[]).map((r) => r.question_id);
      } finally {
        db.close();
      }
    };
    // (An ordering question shown counts as answered in its starting order, so it may be saved too.)
    await expect.poll(savedIds).toEqual(expect.arrayContaining([first!.id, second!.id]));

    // Offline: the rest, while the server-side time limit runs out.
    await context.setOffline(true);
    for (const p of rest) await answerRight(page, pool.get(p.id)!, p);
    const db = new SQLite(dbFile);
    const past = (min: number) => new Date(Date.now() - min * 60_000).toISOString();
    db.prepare('update attempts set started_at = ?, deadline_at = ? where id = ?').run(past(40), past(20), attempt.id);
    // The learner joined before that start: an instructor sees only attempts made while a member.
    db.prepare('update cohort_members set joined_at = ? where user_id = (select id from users where email = ?)').run(
      past(60),
      'late.exam@test.ua',
    );
    db.close();
    await page.locator('[data-submit]').click();
    await expect.poll(() => page.locator('[data-queued]').innerText()).toMatch(/saved on this device/);
    await context.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    // Scored from the answers the server held in time, not from the late ones.
    await expect
      .poll(() => page.locator('main').innerText(), { timeout: 30_000 })
      .toMatch(/arrived after the time limit/);
    const inTime = new SQLite(dbFile, { readonly: true });
    const closed = inTime
      .prepare('select score, finished_by, late_status, late_score from attempts where id = ?')
      .get(attempt.id) as { score: number; finished_by: string; late_status: string; late_score: number };
    inTime.close();
    expect(closed).toMatchObject({ finished_by: 'deadline', late_status: 'pending', late_score: 100 });
    expect(closed.score).toBeLessThan(75);
    expect(await page.locator('[data-result]').innerText()).toContain(
      `Not passed — Score: ${formatPercent(closed.score, 'en')}`, // shown as the page formats it (one decimal)
    );
    await context.close();

    // The cohort's instructor sees it in the queue, with the evidence, and accepts it.
    const instructor = DEMO_ACCOUNTS.find((a) => a.email === 'instructor@oberih.demo')!;
    const staff = await browser.newContext();
    const ipage = await staff.newPage();
    await ipage.goto(`${server.url}/en/login/?next=/en/instructor/`);
    await ipage.getByLabel('Email').fill(instructor.email);
    await ipage.getByLabel('Password').fill(instructor.password);
    await ipage.getByRole('button', { name: 'Sign in' }).click();
    await ipage.waitForURL('**/en/instructor/');
    const row = ipage.locator(`[data-late="${attempt.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Пізня Спроба[\s\S]*\d+, last at/);
    expect(await row.innerText()).toContain(`${closed.score}% / 100%`);
    await row.locator('[data-accept]').click();
    await expect.poll(() => row.innerText()).toMatch(/Accepted/);
    await staff.close();

    const after = new SQLite(dbFile, { readonly: true });
    const a = after.prepare('select score, passed, late_status from attempts where id = ?').get(attempt.id);
    const audit = after.prepare('select event from audit_log where target = ? order by id').all(attempt.id);
    after.close();
    expect(a).toEqual({ score: 100, passed: 1, late_status: 'accepted' });
    expect(audit).toEqual([{ event: 'attempt.late_submitted' }, { event: 'attempt.late_accepted' }]);
  });

  it('when the time is up by the server clock, the page hands in what the learner has', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    await redeem(page, server.url, 'late.clock@test.ua', 'Час Вийшов');
    await page.goto(`${server.url}/en/courses/fixture-course/assessment/`);
    const started = page.waitForResponse(
      (r) => r.url().endsWith('/api/courses/fixture-course/attempts') && r.request().method() === 'POST',
    );
    await page.locator('[data-start]').click();
    const attempt = (await (await started).json()).attempt as { id: string; questions: PublicQuestion[] };
    const [first] = attempt.questions;
    await answerRight(page, pool.get(first!.id)!, first!);
    const submitted = page.waitForResponse((r) => r.url().endsWith(`/api/attempts/${attempt.id}/submit`));
    // The page's clock jumps past the 20-minute limit (the server's did not move: the hand-in is on time).
    await page.clock.fastForward('20:05');
    expect((await submitted).status()).toBe(200);
    await expect
      .poll(() => page.locator('[data-result]').innerText())
      .toMatch(/Not passed — Score: [\d.]+%[\s\S]*right/);
    await context.close();
  });
});
