/**
 * Item statistics on a hand-checked fixture: ten attempts ranked by total score, four questions.
 * Every expected number is worked out by hand in the comments next to it.
 */
import { describe, expect, it } from 'vitest';
import { analyseItems, type ScoredAttempt } from '../../courses/item-analysis.ts';
import { questionSchema, type Question } from '../../courses/schema/question.ts';

const texts = (stem: string) => ({
  reference: { uk: 'Джерело', en: 'Source' },
  uk: { stem, explanation: 'Пояснення' },
  en: { stem, explanation: 'Explanation' },
});
const opt = (id: string, correct = false) => ({ id, correct, uk: { text: id }, en: { text: id } });
const q = (raw: unknown): Question => questionSchema.parse(raw);

const questions: Question[] = [
  q({
    id: 'q-single',
    module: 'm1',
    type: 'single',
    options: [opt('a', true), opt('b'), opt('c')],
    ...texts('single'),
  }),
  q({
    id: 'q-multiple',
    module: 'm1',
    type: 'multiple',
    options: [opt('a', true), opt('b', true), opt('c'), opt('d')],
    ...texts('multiple'),
  }),
  q({ id: 'q-tf', module: 'm2', type: 'true-false', answer: true, ...texts('true or false') }),
  q({ id: 'q-numeric', module: 'm2', type: 'numeric', answer: 16, ...texts('numeric') }),
  q({ id: 'q-never', module: 'm2', type: 'single', options: [opt('a', true), opt('b')], ...texts('never drawn') }),
];

// Ten attempts, A01 strongest … A10 weakest. Per question: [response, score] or absent (not drawn).
type Cell = [unknown, number] | undefined;
const table: [string, number, Cell, Cell, Cell, Cell][] = [
  //  id     total  q-single     q-multiple            q-tf         q-numeric
  ['A01', 95, ['a', 1], [['a', 'b'], 1], [true, 1], [16, 1]],
  ['A02', 90, ['a', 1], [['a'], 0.5], [true, 1], [15, 0]],
  ['A03', 85, ['a', 1], [['a', 'b', 'c'], 0.5], [true, 1], [17, 0]],
  ['A04', 80, ['a', 1], [['a', 'b'], 1], [true, 1], [null, 0]],
  ['A05', 70, ['b', 0], [['c'], 0], [true, 1], [10, 0]],
  ['A06', 60, ['a', 1], [['b'], 0.5], [true, 1], [18, 0]],
  ['A07', 50, ['c', 0], [['a', 'b'], 1], [true, 1], undefined],
  ['A08', 40, ['b', 0], [['a', 'b'], 1], [true, 1], undefined],
  ['A09', 30, ['b', 0], undefined, [true, 1], undefined],
  ['A10', 20, [null, 0], undefined, [true, 1], undefined],
];
const ids = ['q-single', 'q-multiple', 'q-tf', 'q-numeric'];
// Listed weakest first, so the function has to rank them itself.
const attempts: ScoredAttempt[] = table
  .map(([id, total, ...cells]) => ({
    id,
    total,
    responses: cells.flatMap((c, i) => (c ? [{ questionId: ids[i]!, response: c[0], score: c[1] }] : [])),
  }))
  .reverse();

describe('item analysis', () => {
  const stats = Object.fromEntries(analyseItems(questions, attempts).map((s) => [s.questionId, s]));

  it('a single-choice question: facility, discrimination and every distractor count', () => {
    const s = stats['q-single']!;
    // All 10 attempts drew it. Correct (score 1): A01 A02 A03 A04 A06 = 5 → facility 5/10 = 0.5.
    expect(s.n).toBe(10);
    expect(s.facility).toBeCloseTo(0.5, 10);
    // Groups: round(10 × 0.27) = round(2.7) = 3. Upper A01–A03: 1,1,1 → 1. Lower A08–A10: 0,0,0 → 0. D = 1 − 0 = 1.
    expect(s.groupSize).toBe(3);
    expect(s.discrimination).toBeCloseTo(1, 10);
    // Choices: a = A01 A02 A03 A04 A06 = 5; b = A05 A08 A09 = 3; c = A07 = 1; A10 left it blank.
    expect(s.choices).toEqual([
      { option: 'a', correct: true, count: 5 },
      { option: 'b', correct: false, count: 3 },
      { option: 'c', correct: false, count: 1 },
    ]);
    expect(s.unanswered).toBe(1);
    expect(s.flags).toEqual([]);
  });

  it('a multiple-choice question that weaker learners get right more often is flagged', () => {
    const s = stats['q-multiple']!;
    // Drawn by A01–A08 only: n = 8. Scores 1 + .5 + .5 + 1 + 0 + .5 + 1 + 1 = 5.5 → facility 5.5/8 = 0.6875.
    expect(s.n).toBe(8);
    expect(s.facility).toBeCloseTo(0.6875, 10);
    // Groups: round(8 × 0.27) = round(2.16) = 2. Upper A01, A02: (1 + .5)/2 = .75. Lower A07, A08: (1 + 1)/2 = 1.
    // D = .75 − 1 = −0.25 → negative discrimination.
    expect(s.groupSize).toBe(2);
    expect(s.discrimination).toBeCloseTo(-0.25, 10);
    expect(s.flags).toEqual(['negative_discrimination']);
    // Ticks: a = A01 A02 A03 A04 A07 A08 = 6; b = A01 A03 A04 A06 A07 A08 = 6; c = A03 A05 = 2; d = 0.
    expect(s.choices).toEqual([
      { option: 'a', correct: true, count: 6 },
      { option: 'b', correct: true, count: 6 },
      { option: 'c', correct: false, count: 2 },
      { option: 'd', correct: false, count: 0 },
    ]);
  });

  it('a question everybody gets right is too easy and does not discriminate', () => {
    const s = stats['q-tf']!;
    // 10 of 10 right → facility 1.0 > 0.9 → too easy. Upper 1, lower 1 → D = 0 (not negative).
    expect(s.facility).toBe(1);
    expect(s.discrimination).toBe(0);
    expect(s.flags).toEqual(['too_easy']);
    expect(s.choices).toEqual([
      { option: 'true', correct: true, count: 10 },
      { option: 'false', correct: false, count: 0 },
    ]);
  });

  it('a question almost nobody gets right is too hard; other types have no choice counts', () => {
    const s = stats['q-numeric']!;
    // Drawn by A01–A06: n = 6, only A01 right → facility 1/6 ≈ 0.1667 < 0.2 → too hard.
    expect(s.n).toBe(6);
    expect(s.facility).toBeCloseTo(1 / 6, 10);
    // Groups: round(6 × 0.27) = round(1.62) = 2. Upper A01, A02: (1 + 0)/2 = .5. Lower A05, A06: 0. D = 0.5.
    expect(s.groupSize).toBe(2);
    expect(s.discrimination).toBeCloseTo(0.5, 10);
    expect(s.flags).toEqual(['too_hard']);
    expect(s.choices).toBeNull();
    expect(s.unanswered).toBe(1); // A04 sent null
  });

  it('a question nobody drew has no statistics and no flags', () => {
    const s = stats['q-never']!;
    expect(s).toMatchObject({ n: 0, facility: null, discrimination: null, groupSize: 0, unanswered: 0, flags: [] });
    expect(s.choices).toEqual([
      { option: 'a', correct: true, count: 0 },
      { option: 'b', correct: false, count: 0 },
    ]);
  });

  it('ties in total score are broken by attempt id, so the groups do not depend on input order', () => {
    const tied: ScoredAttempt[] = ['x3', 'x1', 'x2', 'x4'].map((id) => ({
      id,
      total: 50,
      responses: [{ questionId: 'q-tf', response: id === 'x1', score: id === 'x1' ? 1 : 0 }],
    }));
    // n = 4 → group size round(1.08) = 1. Rank by id: x1 first (upper, score 1), x4 last (lower, 0) → D = 1.
    const [, , s] = analyseItems(questions, tied);
    expect(s!.discrimination).toBe(1);
    const [, , again] = analyseItems(questions, [...tied].reverse());
    expect(again!.discrimination).toBe(1);
  });
});
