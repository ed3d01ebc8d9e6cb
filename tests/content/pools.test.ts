/**
 * The graded pools of the real courses resist memorising and guessing (issue #18, item 3):
 * big enough for every attempt a learner has, keyed so that no option position, option id or
 * true/false answer wins more often than chance, ordering ids that do not spell out the order, and
 * no graded item that repeats a practice item (a learner sees the practice keys).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import type { Question } from '../../courses/schema/question.ts';

const catalog = loadCatalog(contentFsFrom(fs), 'content');

/** Words of three letters or more, lower-cased, punctuation dropped: the text a learner would recognise. */
function wordSet(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s]/gu, ' ')
      .split(/\s+/)
      .filter((w) => w.length > 2),
  );
}

/** Jaccard similarity of the word sets of two stems. */
function similarity(a: string, b: string): number {
  const x = wordSet(a);
  const y = wordSet(b);
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

/** Above this stem similarity (in either locale) a graded item counts as a near-duplicate of a practice item. */
const NEAR_DUPLICATE = 0.5;

for (const [slug, { course, practice, pool }] of catalog.courses) {
  describe(`graded pool of ${slug}`, () => {
    const items = pool!;
    const { questions, maxAttempts } = course.assessment!;

    it('holds at least questions × maxAttempts items, and every module twice its share of a draw', () => {
      // Unlimited attempts could never be covered by any pool: every graded course sets a number.
      expect(maxAttempts, 'assessment.maxAttempts').toBeDefined();
      expect(items.length).toBeGreaterThanOrEqual(questions * maxAttempts!);
      // drawQuestions takes modules in turns, so a module gives at most ceil(questions / modules) per attempt.
      const share = Math.ceil(questions / course.modules.length);
      for (const m of course.modules) {
        const n = items.filter((q) => q.module === m).length;
        expect(n, `${m} has ${n} items, needs ${2 * share}`).toBeGreaterThanOrEqual(2 * share);
      }
    });

    it('keys single-choice items so that no option id (or position) wins more often than chance', () => {
      const singles = items.filter((q): q is Extract<Question, { type: 'single' }> => q.type === 'single');
      // Expected score of "always answer id X" if keys were spread evenly: the mean of 1/n over the items offering X.
      const ids = new Set(singles.flatMap((q) => q.options.map((o) => o.id)));
      for (const id of ids) {
        const offering = singles.filter((q) => q.options.some((o) => o.id === id));
        const chance = offering.reduce((s, q) => s + 1 / q.options.length, 0) / offering.length;
        const keyed = offering.filter((q) => q.options.find((o) => o.id === id)!.correct).length / offering.length;
        expect(
          keyed,
          `"always ${id}" scores ${keyed.toFixed(2)} against chance ${chance.toFixed(2)}`,
        ).toBeLessThanOrEqual(chance + 0.1);
      }
      const first = singles.filter((q) => q.options[0]!.correct).length / singles.length;
      expect(first, 'share of single-choice items keyed in the first position').toBeLessThanOrEqual(0.4);
    });

    it('spreads the correct options of multiple-choice items over all positions', () => {
      const multiples = items.filter((q): q is Extract<Question, { type: 'multiple' }> => q.type === 'multiple');
      const keyedAt = (i: number) => multiples.filter((q) => q.options[i]?.correct).length;
      const offeredAt = (i: number) => multiples.filter((q) => q.options[i]).length;
      const rates = [0, 1, 2, 3].map((i) => keyedAt(i) / offeredAt(i));
      // Authored first-come keys made "tick a and b" a strategy; positions now differ by little.
      expect(
        Math.max(...rates) - Math.min(...rates),
        `keyed rate per position ${rates.map((r) => r.toFixed(2))}`,
      ).toBeLessThanOrEqual(0.25);
    });

    it('has about as many true as false keys', () => {
      const tf = items.filter((q): q is Extract<Question, { type: 'true-false' }> => q.type === 'true-false');
      const yes = tf.filter((q) => q.answer).length;
      expect(Math.abs(yes - (tf.length - yes)), `${yes} true of ${tf.length}`).toBeLessThanOrEqual(
        Math.max(2, Math.round(tf.length * 0.2)),
      );
    });

    it('gives ordering items ids whose sort order is not the correct order', () => {
      for (const q of items) {
        if (q.type !== 'ordering') continue;
        const ids = q.items.map((i) => i.id);
        expect([...ids].sort(), q.id).not.toEqual(ids);
      }
    });

    it('repeats no practice item (near-duplicate stems included)', () => {
      const practiceItems = [...practice.values()].flat();
      for (const g of items) {
        for (const p of practiceItems) {
          for (const locale of ['uk', 'en'] as const) {
            const s = similarity(g[locale].stem, p[locale].stem);
            expect(s, `${g.id} ~ ${p.id} (${locale}): ${s.toFixed(2)}`).toBeLessThan(NEAR_DUPLICATE);
          }
        }
      }
    });
  });
}
