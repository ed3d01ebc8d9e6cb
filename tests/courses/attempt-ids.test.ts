/**
 * Issue #18, item 1, as a property: for any pool (whatever ids its author chose, wherever the right
 * answer sits) and any seed, no function of the public attempt alone (its ids, their sort order, their
 * lengths, the order shown) scores better than chance over many draws.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attemptMask } from '../../api/attempt-mask.ts';
import { drawAttempt, maskedQuestion, unmaskResponse, type IdMask } from '../../courses/attempt-ids.ts';
import type { PublicQuestion } from '../../courses/assessment.ts';
import { scoreQuestion } from '../../courses/scoring.ts';
import { questionSchema, type Question, type Response } from '../../courses/schema/question.ts';

const DRAWS = 300;

function mulberry32(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const text = (s: string) => ({ uk: s, en: s });
const common = (id: string) => ({
  id,
  module: 'm',
  reference: text('ref'),
  uk: { stem: 'stem', explanation: 'why' },
  en: { stem: 'stem', explanation: 'why' },
});

/** Authored id schemes, including ones that betray the key (the right answer first, or longest). */
const idScheme = fc.constantFrom(
  (i: number) => String.fromCharCode(97 + i),
  (i: number) => `opt${i + 1}`,
  (i: number) => 'x'.repeat(i + 1),
  (i: number) => `${String.fromCharCode(122 - i)}-item`,
);

const question = (id: string) =>
  fc.oneof(
    fc.record({ k: fc.integer({ min: 2, max: 5 }), scheme: idScheme, at: fc.nat() }).map(({ k, scheme, at }) =>
      questionSchema.parse({
        ...common(id),
        type: 'single',
        options: Array.from({ length: k }, (_, i) => ({
          id: scheme(i),
          correct: i === at % k,
          uk: { text: `o${i}` },
          en: { text: `o${i}` },
        })),
      }),
    ),
    fc.record({ k: fc.integer({ min: 2, max: 5 }), scheme: idScheme }).map(({ k, scheme }) =>
      questionSchema.parse({
        ...common(id),
        type: 'ordering',
        items: Array.from({ length: k }, (_, i) => ({ id: scheme(i), ...text(`i${i}`) })),
      }),
    ),
    fc.record({ k: fc.integer({ min: 2, max: 5 }), scheme: idScheme }).map(({ k, scheme }) =>
      questionSchema.parse({
        ...common(id),
        type: 'matching',
        pairs: Array.from({ length: k }, (_, i) => ({
          id: scheme(i),
          uk: { prompt: `p${i}`, match: `m${i}` },
          en: { prompt: `p${i}`, match: `m${i}` },
        })),
      }),
    ),
  );

const pool = fc
  .integer({ min: 1, max: 3 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => question(`q${i}`))));

type Ids = { id: string }[];
const sorted = (l: Ids, desc = false) => [...l].sort((a, b) => (a.id < b.id ? -1 : 1) * (desc ? -1 : 1));
const byLength = (l: Ids) => [...l].sort((a, b) => a.id.length - b.id.length);
/** Every ordering of the public list a strategy may use: shown, ids ascending/descending, by length. */
const views = (l: Ids) => [l, sorted(l), sorted(l, true), byLength(l), [...byLength(l)].reverse()];

/** Strategies that see only the public attempt: pick by rank in one of the views. */
function strategies(p: PublicQuestion): Response[] {
  if (p.type === 'single') return views(p.options!).flatMap((v) => v.map((o) => o.id));
  if (p.type === 'ordering') return views(p.items!).map((v) => v.map((i) => i.id));
  if (p.type === 'matching') {
    // Answer each prompt with the answer of the same id (the old pair-id leak), else by rank in the views.
    const sameId = Object.fromEntries(
      p.prompts!.map((pr) => [pr.id, (p.matches!.find((m) => m.id === pr.id) ?? p.matches![0]!).id]),
    );
    return [
      sameId,
      ...views(p.matches!).flatMap((mv) =>
        views(p.prompts!).map((pv) => Object.fromEntries(pv.map((pr, i) => [pr.id, mv[i]!.id]))),
      ),
    ];
  }
  return [];
}

/** Chance: the expected score of a response chosen without the key (1 in k options, or positions). */
const chance = (q: Question) =>
  1 /
  (q.type === 'single'
    ? q.options.length
    : q.type === 'ordering'
      ? q.items.length
      : q.type === 'matching'
        ? q.pairs.length
        : 1);

/** The best mean score any strategy reaches on any question, minus that question's chance and tolerance. */
function bestEdge(questions: Question[], seed: number, maskFor: (draw: number) => IdMask): number {
  const rng = mulberry32(seed);
  const sums = new Map<string, number[]>();
  for (let draw = 0; draw < DRAWS; draw++) {
    const drawn = drawAttempt(questions, questions.length, rng, maskFor(draw));
    for (const d of drawn) {
      const q = questions.find((x) => x.id === d.id)!;
      const p = maskedQuestion(q, 'uk', d);
      const got = strategies(p).map((r) => {
        const m = unmaskResponse(q, d, r);
        return 'response' in m ? scoreQuestion(q, m.response).score : 0;
      });
      const acc = sums.get(q.id) ?? got.map(() => 0);
      got.forEach((s, i) => (acc[i]! += s));
      sums.set(q.id, acc);
    }
  }
  let edge = -Infinity;
  for (const [id, acc] of sums) {
    const c = chance(questions.find((q) => q.id === id)!);
    // Five standard errors of a mean of DRAWS scores in [0, 1] (plus a floor): a false alarm is ~1e-6.
    const tol = Math.max(0.06, 5 * Math.sqrt((c * (1 - c)) / DRAWS));
    for (const sum of acc) edge = Math.max(edge, sum / DRAWS - c - tol);
  }
  return edge;
}

describe('opaque ids carry no information about the key', () => {
  it('no function of ids, their sort order, lengths or display order beats chance', () => {
    fc.assert(
      fc.property(pool, fc.integer(), (questions, seed) => {
        const keys = mulberry32(seed ^ 0x5eed);
        const key = () => Uint8Array.from({ length: 32 }, () => Math.floor(keys() * 256));
        expect(bestEdge(questions, seed, () => attemptMask(key()))).toBeLessThanOrEqual(0);
      }),
      { numRuns: 25, seed: 18 },
    );
  });

  it('(the same harness catches authored ids: it is not vacuous)', () => {
    const leaky: IdMask = (_kind, _q, id) => id;
    const q = questionSchema.parse({
      ...common('q0'),
      type: 'single',
      options: ['a', 'b', 'c', 'd'].map((id, i) => ({
        id,
        correct: i === 0,
        ...{ uk: { text: id }, en: { text: id } },
      })),
    });
    expect(bestEdge([q], 1, () => leaky)).toBeGreaterThan(0.5);
  });
});
