/**
 * The identifying-data check on a corpus of Ukrainian and English sentences: its precision and recall
 * per kind found (the figures in docs/consultation.md and the README come from this test's output).
 */
import { describe, expect, it } from 'vitest';
import { findIdentifying, kindsOf } from '../../courses/consultation/identifying.ts';
import { CORPUS } from './identifying-corpus.ts';

function measure(examples: typeof CORPUS) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  const misses: string[] = [];
  for (const ex of examples) {
    const got = new Set(kindsOf(findIdentifying(ex.text)));
    const want = new Set(ex.kinds);
    for (const k of got)
      if (want.has(k)) tp++;
      else {
        fp++;
        misses.push(`FP ${k}: ${ex.text}`);
      }
    for (const k of want)
      if (!got.has(k)) {
        fn++;
        misses.push(`FN ${k}: ${ex.text}`);
      }
  }
  return { tp, fp, fn, precision: tp / (tp + fp), recall: tp / (tp + fn), misses };
}

describe('identifying-data check', () => {
  it('has a corpus of true and false examples in both languages', () => {
    for (const lang of ['uk', 'en'] as const) {
      expect(CORPUS.filter((e) => e.lang === lang && e.kinds.length).length).toBeGreaterThanOrEqual(10);
      expect(CORPUS.filter((e) => e.lang === lang && !e.kinds.length).length).toBeGreaterThanOrEqual(10);
    }
  });

  it('finds each kind the issue lists at least once', () => {
    const found = new Set(CORPUS.flatMap((e) => kindsOf(findIdentifying(e.text))));
    for (const k of ['name', 'dob', 'phone', 'email', 'address', 'school_class', 'erdr'] as const)
      expect(found.has(k), k).toBe(true);
  });

  it('reaches its measured precision and recall (uk, en, all)', () => {
    const all = measure(CORPUS);
    const uk = measure(CORPUS.filter((e) => e.lang === 'uk'));
    const en = measure(CORPUS.filter((e) => e.lang === 'en'));
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    console.log(
      `identifying-data check on ${CORPUS.length} examples: precision ${pct(all.precision)}, recall ${pct(all.recall)} ` +
        `(uk ${pct(uk.precision)} / ${pct(uk.recall)}, en ${pct(en.precision)} / ${pct(en.recall)}); tp ${all.tp}, fp ${all.fp}, fn ${all.fn}\n` +
        all.misses.join('\n'),
    );
    expect(all.precision).toBeGreaterThanOrEqual(0.85);
    expect(all.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('gives offsets that highlight exactly the match', () => {
    const text = 'Тел. мами 067 123 45 67, пошта mama@ukr.net';
    for (const f of findIdentifying(text)) expect(text.slice(f.start, f.end)).toBe(f.match);
    expect(findIdentifying(text).map((f) => f.kind)).toEqual(['phone', 'email']);
  });
});
