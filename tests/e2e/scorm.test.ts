/**
 * The exported SCORM packages in headless Chromium, with scorm-again as the LMS: the harness page
 * (scripts/scorm-preview.ts) provides `window.API` / `window.API_1484_11` and shows the package in a
 * frame, as Moodle does. scorm-again is lenient in SCORM 1.2 (it takes 5,000-character suspend_data
 * and `1:02:03` session times), so the strict limits are asserted here.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import type { Question } from '../../courses/schema/question.ts';
import { decodeProgress } from '../../courses/scorm/common/suspend-data.ts';
import { ISO8601_DURATION } from '../../courses/scorm/common/time.ts';
import { startPreview, type Preview } from '../../scripts/scorm-preview.ts';
import { tempDir } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { writeScormContent } from '../courses/scorm/content.ts';
import { exportPackages } from '../courses/scorm/export.ts';

const STRICT_TIMESPAN_12 = /^\d{4}:\d{2}:\d{2}\.\d{2}$/;

interface Harness {
  cmi: Record<string, string>;
  log: [string, string][];
  calls: { initialize: number; commit: number; finish: number };
  mode: 'normal' | 'review';
  leaving: boolean;
  beacons: { call: 'commit' | 'terminate'; bytes: number; accepted: boolean }[];
}

describe('SCORM packages in Chromium with scorm-again as the LMS', async () => {
  const dir = tempDir('oberih-scorm-e2e-');
  const content = writeScormContent(path.join(dir, 'content'));
  const { out } = exportPackages(content, dir, ['--locale', 'en']);
  const catalog = loadCatalog(contentFsFrom(fs), content);
  const pool = catalog.courses.get('fixture-course')!.scormPool!;
  const bigPool = catalog.courses.get('big-course')!.scormPool!;
  const browser = await launchBrowser();
  const zip = (course: string, version: '1.2' | '2004') =>
    path.join(out, `${course}-en-scorm${version === '1.2' ? '12' : '2004'}.zip`);

  /** Open the harness; collect requests that leave the package and failed loads. */
  async function launch(p: Preview, context = browser) {
    const page = await (context === browser
      ? browser.newPage()
      : (context as unknown as { newPage(): Promise<Page> }).newPage());
    const stray: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!(
        u.startsWith(`${p.url}pkg/`) ||
        u.startsWith(`${p.url}_harness/`) ||
        u === p.url ||
        u === 'about:blank' ||
        u.endsWith('/favicon.ico')
      ))
        stray.push(u);
    });
    page.on('response', (r) => {
      if (r.status() >= 400 && r.url().includes('/pkg/')) errors.push(`${r.status()} ${r.url()}`);
    });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(p.url);
    const sco = page.frameLocator('#sco');
    const content = sco.frameLocator('#content');
    await content.locator('h1').first().waitFor();
    return { page, sco, content, stray, errors };
  }

  const harness = (page: Page) => page.evaluate(() => (window as unknown as { harness: Harness }).harness);
  const bridgeErrors = (page: Page) =>
    page
      .frames()
      .find((f) => f.url().endsWith('/pkg/index.html'))!
      .evaluate(() => (window as unknown as { OberihScorm: { errors(): string[] } }).OberihScorm.errors());
  /** What Moodle does when the learner leaves the activity: the SCO's frame is unloaded. */
  async function leave(page: Page) {
    await page.evaluate(() => {
      (document.getElementById('sco') as HTMLIFrameElement).src = 'about:blank';
    });
    await page.waitForFunction(() => (window as unknown as { harness: Harness }).harness.calls.finish > 0);
  }

  /** Moodle's way out: once the page is leaving, every save is a beacon (the harness counts them). */
  async function leaveLikeMoodle(page: Page) {
    await page.evaluate(() => {
      (window as unknown as { harness: Harness }).harness.leaving = true;
    });
    await leave(page);
  }

  async function studyModules(content: FrameLocator, count: number) {
    await content.locator('a.button').first().click(); // "Start the course"
    for (let i = 0; i < count; i++) {
      await content.locator('[data-mark-complete]').click();
      await expect.poll(() => content.locator('[data-complete-text]').isVisible()).toBe(true);
      if (i < count - 1) await content.locator('a[rel="next"]').click();
    }
  }

  async function answer(content: FrameLocator, q: Question, right: boolean) {
    const set = content.locator(`fieldset[data-question="${q.id}"]`);
    switch (q.type) {
      case 'single':
        return set.locator(`input[value="${q.options.find((o) => o.correct === right)!.id}"]`).check();
      case 'multiple':
        for (const o of q.options.filter((o) => o.correct === right))
          await set.locator(`input[value="${o.id}"]`).check();
        return;
      case 'true-false':
        return set.locator(`input[value="${String(right ? q.answer : !q.answer)}"]`).check();
      case 'matching': {
        const selects = set.locator('select');
        for (let i = 0; i < q.pairs.length; i++)
          await selects.nth(i).selectOption(q.pairs[right ? i : (i + 1) % q.pairs.length]!.id);
        return;
      }
      case 'ordering': {
        const target = right ? q.items.map((i) => i.id) : [...q.items].reverse().map((i) => i.id);
        const order = async () =>
          (await set.locator('button[id$="-up"]').evaluateAll((bs) => bs.map((b) => b.id))).map((id) =>
            id.replace(`a-${q.id}-`, '').replace(/-up$/, ''),
          );
        let moved = false;
        for (let pos = 0; pos < target.length; pos++) {
          let now = await order();
          while (now[pos] !== target[pos]) {
            await set.locator(`[id="a-${q.id}-${target[pos]}-up"]`).click();
            moved = true;
            now = await order();
          }
        }
        // Already in the target order: move one item down and back, so there is a response.
        if (!moved) {
          await set.locator(`[id="a-${q.id}-${target[0]}-down"]`).click();
          await set.locator(`[id="a-${q.id}-${target[0]}-up"]`).click();
        }
        return;
      }
      case 'numeric':
        return set.locator('input').fill(String(right ? q.answer : q.answer + 100));
      case 'text':
        return set.locator('input').fill(right ? q.accepted.en[0]! : 'something else');
    }
  }

  async function takeAssessment(content: FrameLocator, questions: Question[], right: (q: Question) => boolean) {
    await content.locator('[data-start]').click();
    await expect.poll(() => content.locator('fieldset[data-question]').count()).toBe(questions.length);
    for (const q of questions) await answer(content, q, right(q));
    await content.locator('[data-submit]').click();
    await content.locator('[data-result]').waitFor();
  }

  for (const version of ['1.2', '2004'] as const) {
    describe(`SCORM ${version}`, () => {
      it('a learner studies every module and passes: status, score, interactions, session time and suspend data reach the LMS', async () => {
        const p = await startPreview(zip('fixture-course', version));
        try {
          const { page, content, stray, errors } = await launch(p);
          expect(
            (await harness(page)).cmi[version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.completion_status'],
          ).toBe('incomplete');
          await studyModules(content, 3);
          await content.locator('a[href$="assessment/index.html"]').last().click();
          await takeAssessment(content, pool, () => true);
          await expect.poll(() => content.locator('[data-result]').innerText()).toMatch(/100/);
          expect(await bridgeErrors(page)).toEqual([]);
          await leave(page);
          const h = await harness(page);
          const cmi = h.cmi;
          expect(h.calls).toMatchObject({ initialize: 1, finish: 1 });
          expect(h.calls.commit).toBeGreaterThanOrEqual(5); // first launch, each module, the attempt (none at the end)
          const ids = h.log.filter(([k]) => /^cmi\.interactions\.\d+\.id$/.test(k)).map(([, v]) => v);
          expect(ids.sort()).toEqual(pool.map((q) => q.id).sort());
          const ix = (id: string, field: string) => {
            const n = h.log.find(([k, v]) => /\.id$/.test(k) && v === id)![0].split('.')[2];
            return cmi[`cmi.interactions.${n}.${field}`] ?? '';
          };
          if (version === '1.2') {
            expect(cmi['cmi.core.lesson_status']).toBe('passed');
            expect([cmi['cmi.core.score.raw'], cmi['cmi.core.score.min'], cmi['cmi.core.score.max']]).toEqual([
              '100',
              '0',
              '100',
            ]);
            expect(cmi['cmi.core.session_time']).toMatch(STRICT_TIMESPAN_12);
            expect(cmi['cmi.core.exit']).toBe('suspend'); // finished too: the relaunch gets suspend_data back
            // 1.2 formats (RTE 3.4.2): single characters 0–9/a–z, comma-separated.
            expect(ix('g-multiple', 'student_response')).toBe('a,b');
            expect(ix('g-multiple', 'type')).toBe('choice');
            expect(ix('g-matching', 'student_response')).toBe('0.a,1.b,2.c');
            expect(ix('g-matching', 'correct_responses.0.pattern')).toBe('0.a,1.b,2.c');
            expect(ix('g-ordering', 'student_response')).toBe('a,b,c');
            expect(ix('g-tf', 'student_response')).toBe('t');
            expect(ix('g-numeric', 'student_response')).toBe('16');
            expect(ix('g-text', 'student_response')).toBe('116 111');
            expect(ix('g-text', 'type')).toBe('fill-in');
            for (const q of pool) {
              expect(ix(q.id, 'result')).toBe('correct');
              expect(ix(q.id, 'time')).toMatch(/^\d{2}:\d{2}:\d{2}$/);
              expect(ix(q.id, 'student_response').length).toBeLessThanOrEqual(255);
            }
            expect(cmi['cmi.core.lesson_location']).toBe('a');
          } else {
            expect(cmi['cmi.completion_status']).toBe('completed');
            expect(cmi['cmi.success_status']).toBe('passed');
            expect([cmi['cmi.score.raw'], cmi['cmi.score.min'], cmi['cmi.score.max'], cmi['cmi.score.scaled']]).toEqual(
              ['100', '0', '100', '1'],
            );
            expect(cmi['cmi.progress_measure']).toBe('1');
            expect(cmi['cmi.session_time']).toMatch(ISO8601_DURATION);
            expect(cmi['cmi.session_time']).toMatch(/^PT/);
            expect(cmi['cmi.exit']).toBe('suspend'); // finished too: Moodle hands a 2004 model back only after a suspend
            // 2004 formats (RTE 4.2.9.1).
            expect(ix('g-multiple', 'learner_response')).toBe('a[,]b');
            expect(ix('g-matching', 'learner_response')).toBe('p1[.]p1[,]p2[.]p2[,]p3[.]p3');
            expect(ix('g-ordering', 'learner_response')).toBe('isolate[,]record[,]hand');
            expect(ix('g-ordering', 'type')).toBe('sequencing');
            expect(ix('g-tf', 'learner_response')).toBe('true');
            expect(ix('g-numeric', 'correct_responses.0.pattern')).toBe('16[:]16');
            expect(ix('g-text', 'correct_responses.0.pattern')).toBe('{case_matters=false}116 111');
            expect(ix('g-single', 'description')).toBe('Which term is right?');
            for (const q of pool) {
              expect(ix(q.id, 'result')).toBe('correct');
              expect(ix(q.id, 'timestamp')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
            }
            expect(cmi['cmi.location']).toBe('a');
          }
          const suspend = cmi['cmi.suspend_data']!;
          expect(suspend.length).toBeLessThanOrEqual(4096);
          expect(decodeProgress(suspend, 3)).toMatchObject({
            done: [0, 1, 2],
            attempts: 1,
            best: 100,
            passed: true,
            draft: null,
          });
          expect(stray).toEqual([]);
          expect(errors).toEqual([]);
        } finally {
          await p.close();
        }
      });

      it('a relaunch on another computer resumes from suspend_data: bookmark, finished modules and the open attempt with its answers', async () => {
        const p = await startPreview(zip('fixture-course', version));
        try {
          const first = await launch(p);
          await first.content.locator('a.button').first().click();
          await first.content.locator('[data-mark-complete]').click();
          await first.content.locator('a[rel="next"]').click();
          await first.content.locator('a[rel="next"]').click();
          await first.content.locator('a[href$="assessment/index.html"]').last().click();
          await first.content.locator('[data-start]').click();
          const single = pool.find((q) => q.id === 'g-single')!;
          const text = pool.find((q) => q.id === 'g-text')!;
          await answer(first.content, single, true);
          await answer(first.content, text, true);
          await first.page.waitForTimeout(600); // answers reach suspend_data after a short pause
          await leave(first.page);
          const kept = p.state();
          expect(kept[version === '1.2' ? 'cmi.core.exit' : 'cmi.exit']).toBe('suspend');
          expect(decodeProgress(kept['cmi.suspend_data']!, 3).draft).toMatch(/~/);
          await first.page.close();

          const other = await browser.newContext(); // no localStorage from the first visit
          try {
            const again = await launch(p, other as never);
            // The bookmark opens the assessment, with the same questions and the answers given.
            await expect.poll(() => again.content.locator('fieldset[data-question]').count()).toBe(pool.length);
            expect(await again.content.locator(`fieldset[data-question="g-single"] input[value="a"]`).isChecked()).toBe(
              true,
            );
            expect(await again.content.locator(`fieldset[data-question="g-text"] input`).inputValue()).toBe('116 111');
            const h = await harness(again.page);
            expect(h.calls.initialize).toBe(1);
            expect(h.log.some(([k]) => /lesson_status|completion_status/.test(k))).toBe(false); // not reset to incomplete
            // The finished module is still finished.
            await again.content.locator('.meta a').first().click();
            await again.content.locator('ol.modules a').first().click();
            await expect.poll(() => again.content.locator('[data-complete-text]').isVisible()).toBe(true);
            expect(await again.content.locator('[data-mark-complete]').isVisible()).toBe(false);
            expect(again.errors).toEqual([]);
          } finally {
            await other.close();
          }
        } finally {
          await p.close();
        }
      });

      it('in a Moodle-like LMS a passed learner who reopens the course reviews it: a notice, an all-wrong retake records nothing, the pass stays', async () => {
        const p = await startPreview(zip('fixture-course', version), { moodle: true });
        const status = version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.success_status';
        const raw = version === '1.2' ? 'cmi.core.score.raw' : 'cmi.score.raw';
        try {
          const first = await launch(p);
          await studyModules(first.content, 3);
          await first.content.locator('a[href$="assessment/index.html"]').last().click();
          await takeAssessment(first.content, pool, () => true);
          await leaveLikeMoodle(first.page);
          // The way out is one request (Terminate), not a Commit and then a Terminate.
          expect((await harness(first.page)).beacons).toEqual([
            { call: 'terminate', bytes: expect.any(Number), accepted: true },
          ]);
          expect(p.state()).toMatchObject({ [status]: 'passed', [raw]: '100' });
          await first.page.close();

          const again = await launch(p);
          expect((await harness(again.page)).mode).toBe('review');
          await expect.poll(() => again.sco.locator('#notice').innerText()).toMatch(/reviewing a completed course/);
          // The learner's own course comes back: the finished modules are still finished.
          await again.content.locator('.meta a').first().click();
          await again.content.locator('ol.modules a').first().click();
          await expect.poll(() => again.content.locator('[data-complete-text]').isVisible()).toBe(true);
          await again.content.locator('.meta a').first().click();
          await again.content.locator('a[href$="assessment/index.html"]').last().click();
          await takeAssessment(again.content, pool, () => false);
          await leaveLikeMoodle(again.page);
          const h = await harness(again.page);
          expect(h.log).toEqual([]); // not one SetValue in review
          expect(h.calls).toMatchObject({ initialize: 1, commit: 0, finish: 1 });
          expect(p.state()).toMatchObject({ [status]: 'passed', [raw]: '100' });
          expect(again.errors).toEqual([]);
        } finally {
          await p.close();
        }
      });

      it('a failed attempt is recorded as failed, with its score', async () => {
        const p = await startPreview(zip('fixture-course', version));
        try {
          const { page, content } = await launch(p);
          await content.locator('a[href$="assessment/index.html"]').last().click();
          // Right on the two single-choice questions; the reversed ordering keeps its middle item in
          // place (1/3 credit): (2 + 1/3) / 8 = 29.17 %.
          await takeAssessment(content, pool, (q) => q.type === 'single');
          await leave(page);
          const { cmi } = await harness(page);
          if (version === '1.2') {
            expect(cmi['cmi.core.lesson_status']).toBe('failed');
            expect(cmi['cmi.core.score.raw']).toBe('29.17');
            expect(cmi['cmi.core.exit']).toBe('suspend');
          } else {
            expect(cmi['cmi.success_status']).toBe('failed');
            expect(cmi['cmi.completion_status']).toBe('incomplete');
            expect(cmi['cmi.score.raw']).toBe('29.17');
            expect(cmi['cmi.score.scaled']).toBe('0.2917');
            expect(Number(cmi['cmi.progress_measure'])).toBeCloseTo(0.25); // the assessment, not the 3 modules
            expect(cmi['cmi.exit']).toBe('suspend');
          }
          const results = Object.entries(cmi)
            .filter(([k]) => /\.result$/.test(k))
            .map(([, v]) => v);
          expect(results.filter((r) => r === 'correct')).toHaveLength(2);
          expect(results.filter((r) => r === (version === '1.2' ? '0.33' : '0.3333'))).toHaveLength(1);
          expect(results.filter((r) => r === (version === '1.2' ? 'wrong' : 'incorrect'))).toHaveLength(
            pool.length - 3,
          );
        } finally {
          await p.close();
        }
      });

      it('a course without an assessment is completed when every module is done (no score)', async () => {
        const p = await startPreview(zip('plain-course', version));
        try {
          const { page, content } = await launch(p);
          await studyModules(content, 3);
          await leave(page);
          const { cmi } = await harness(page);
          if (version === '1.2') {
            expect(cmi['cmi.core.lesson_status']).toBe('completed');
            expect(cmi['cmi.core.score.raw']).toBeUndefined();
          } else {
            expect(cmi['cmi.completion_status']).toBe('completed');
            expect(cmi['cmi.success_status']).toBe('unknown');
            expect(cmi['cmi.score.raw']).toBeUndefined();
          }
        } finally {
          await p.close();
        }
      });
    });
  }

  it('a 200-question attempt keeps SCORM 1.2 suspend_data within 4,096 characters, and answers that would overflow it stay on the device', async () => {
    const p = await startPreview(zip('big-course', '1.2'));
    try {
      const { page, content } = await launch(p);
      await content.locator('a[href$="assessment/index.html"]').last().click();
      await content.locator('[data-start]').click();
      await expect.poll(() => content.locator('fieldset[data-question]').count()).toBe(200);
      let { cmi } = await harness(page);
      expect(cmi['cmi.suspend_data']!.length).toBeLessThanOrEqual(4096);
      // The open attempt is saved from the start (ordering questions already carry the order shown).
      expect(decodeProgress(cmi['cmi.suspend_data']!, 3).draft).toMatch(/^[0-9a-z]+\.[0-9a-z]+/);
      // 28 free-text answers of 500 characters: 14,000 characters cannot fit.
      const texts = bigPool.filter((q) => q.type === 'text');
      for (const q of texts)
        await content.locator(`fieldset[data-question="${q.id}"] input`).fill(`${q.id} `.padEnd(500, 'я'));
      await expect.poll(() => content.locator('[data-draft-local]').isVisible()).toBe(true);
      ({ cmi } = await harness(page));
      expect(cmi['cmi.suspend_data']!.length).toBeLessThanOrEqual(4096);
      expect(decodeProgress(cmi['cmi.suspend_data']!, 3).draft).toBeNull();
      await content.locator('[data-submit]').click();
      await content.locator('[data-result]').waitFor();
      await leave(page);
      const h = await harness(page);
      expect(h.cmi['cmi.core.lesson_status']).toBe('failed');
      // Only the texts were typed (wrongly); ordering questions count as answered in the order shown, which earns at most partial credit.
      expect(Number(h.cmi['cmi.core.score.raw'])).toBeLessThan(10);
      const responses = h.log.filter(([k]) => /student_response$/.test(k)).map(([, v]) => v);
      expect(responses).toHaveLength(texts.length + bigPool.filter((q) => q.type === 'ordering').length);
      for (const r of responses) expect(r.length).toBeLessThanOrEqual(255);
      expect(h.cmi['cmi.suspend_data']!.length).toBeLessThanOrEqual(4096);
      expect(h.cmi['cmi.core.session_time']).toMatch(STRICT_TIMESPAN_12);
    } finally {
      await p.close();
    }
  });

  it('opened outside an LMS the course works, tracks nothing and says so', async () => {
    const p = await startPreview(zip('fixture-course', '2004'));
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${p.url}pkg/index.html`); // no harness: no API_1484_11 anywhere
      await expect.poll(() => page.locator('#notice').innerText()).toMatch(/outside a learning management system/);
      const content = page.frameLocator('#content');
      await content.locator('a.button').first().click();
      await content.locator('[data-mark-complete]').click();
      await expect.poll(() => content.locator('[data-complete-text]').isVisible()).toBe(true);
      await content.locator('a[rel="next"]').click();
      await content.locator('h1').first().waitFor();
      expect(p.state()).toEqual({});

      // A page opened on its own, without the launch page, says so too.
      await page.goto(`${p.url}pkg/en/courses/fixture-course/words/index.html`);
      await expect.poll(() => page.locator('[data-scorm-notice]').innerText()).toMatch(/outside the course package/);
      await page.locator('[data-mark-complete]').click();
      await expect.poll(() => page.locator('[data-complete-text]').isVisible()).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await p.close();
    }
  });
});
