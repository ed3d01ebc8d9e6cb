/** The one scoring engine: unit cases per type and property-based tests (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correctResponse, isPassed, scoreAttempt, scoreQuestion, toScormScore } from '../../courses/scoring.ts';
import { drawQuestions, publicQuestion, shuffle } from '../../courses/assessment.ts';
import type { Question, Response } from '../../courses/schema/question.ts';
import { fixtures } from '../helpers/app.ts';

const pool = fixtures().courses.get('fixture-course')!.pool!;
const q = (id: string) => pool.find((x) => x.id === id)!;

describe('scoreQuestion by type', () => {
  it('single, true-false, numeric, text: all or nothing', () => {
    expect(scoreQuestion(q('g-single'), 'a').score).toBe(1);
    expect(scoreQuestion(q('g-single'), 'b').score).toBe(0);
    expect(scoreQuestion(q('g-tf'), true).status).toBe('correct');
    expect(scoreQuestion(q('g-tf'), false).status).toBe('incorrect');
    expect(scoreQuestion(q('g-numeric'), 16).score).toBe(1);
    expect(scoreQuestion(q('g-numeric'), 17).score).toBe(0);
    expect(scoreQuestion(q('g-text'), '  116   111 ').score).toBe(1);
    expect(scoreQuestion(q('g-text'), '116111').score).toBe(0);
  });
  it('multiple: right minus wrong over right, never below 0', () => {
    expect(scoreQuestion(q('g-multiple'), ['a', 'b']).score).toBe(1);
    expect(scoreQuestion(q('g-multiple'), ['a']).score).toBe(0.5);
    expect(scoreQuestion(q('g-multiple'), ['a', 'c']).score).toBe(0);
    expect(scoreQuestion(q('g-multiple'), ['a', 'b', 'c', 'd']).score).toBe(0);
    expect(scoreQuestion(q('g-multiple'), ['a']).status).toBe('partial');
  });
  it('matching and ordering: share right', () => {
    expect(scoreQuestion(q('g-matching'), { p1: 'p1', p2: 'p3', p3: 'p2' }).score).toBeCloseTo(1 / 3);
    expect(scoreQuestion(q('g-ordering'), ['isolate', 'hand', 'record']).score).toBeCloseTo(1 / 3);
    expect(scoreQuestion(q('g-ordering'), ['isolate', 'record', 'hand']).score).toBe(1);
  });
  it('a response of the wrong shape scores 0, an empty one is unanswered', () => {
    expect(scoreQuestion(q('g-single'), ['a']).score).toBe(0);
    expect(scoreQuestion(q('g-tf'), 'true').score).toBe(0);
    expect(scoreQuestion(q('g-multiple'), []).status).toBe('unanswered');
    expect(scoreQuestion(q('g-text'), '   ').status).toBe('unanswered');
  });
  it('pass mark and SCORM conversions', () => {
    expect(isPassed(75, 75)).toBe(true);
    expect(isPassed(74.99, 75)).toBe(false);
    expect(toScormScore(87.5)).toEqual({ raw: 87.5, min: 0, max: 100, scaled: 0.875 });
  });
});

/** Any response of a question's own shape (including wrong ones). */
function responseArb(question: Question): fc.Arbitrary<Response> {
  switch (question.type) {
    case 'single':
      return fc.constantFrom(...question.options.map((o) => o.id));
    case 'multiple':
      return fc.subarray(question.options.map((o) => o.id));
    case 'true-false':
      return fc.boolean();
    case 'matching': {
      const ids = question.pairs.map((p) => p.id);
      return fc
        .tuple(...ids.map(() => fc.constantFrom(...ids)))
        .map((m) => Object.fromEntries(ids.map((id, i) => [id, m[i]!])));
    }
    case 'ordering':
      return fc.shuffledSubarray(
        question.items.map((i) => i.id),
        { minLength: question.items.length },
      );
    case 'numeric':
      return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
    case 'text':
      return fc.string({ maxLength: 40 });
  }
}

describe('properties', () => {
  it('every score is within 0..1 per question and 0..100 per attempt', () => {
    fc.assert(
      fc.property(fc.tuple(...pool.map((x) => fc.option(responseArb(x), { nil: undefined }))), (rs) => {
        const responses = Object.fromEntries(pool.map((x, i) => [x.id, rs[i]]));
        const r = scoreAttempt(pool, responses);
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(100);
        for (const s of r.questions) expect(s.score >= 0 && s.score <= 1).toBe(true);
      }),
    );
  });
  it('a perfect response scores 100 and an empty one 0', () => {
    expect(scoreAttempt(pool, Object.fromEntries(pool.map((x) => [x.id, correctResponse(x)]))).score).toBe(100);
    expect(scoreAttempt(pool, {}).score).toBe(0);
  });
  it('the order in which options are chosen, and the order options are shown in, do not matter for multiple', () => {
    const m = q('g-multiple');
    fc.assert(
      fc.property(
        fc.subarray(m.type === 'multiple' ? m.options.map((o) => o.id) : []),
        fc.integer(),
        (chosen, seed) => {
          let s = seed;
          const rng = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
          const shownInAnotherOrder = {
            ...m,
            options: shuffle((m as Extract<Question, { type: 'multiple' }>).options, rng),
          } as Question;
          expect(scoreQuestion(shownInAnotherOrder, shuffle(chosen, rng)).score).toBe(scoreQuestion(m, chosen).score);
        },
      ),
    );
  });
  it('the order questions are answered in does not change the attempt score', () => {
    fc.assert(
      fc.property(fc.tuple(...pool.map((x) => responseArb(x))), fc.integer(), (rs, seed) => {
        let s = seed;
        const rng = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const responses = Object.fromEntries(pool.map((x, i) => [x.id, rs[i]]));
        expect(scoreAttempt(shuffle(pool, rng), responses).score).toBe(scoreAttempt(pool, responses).score);
      }),
    );
  });
  it('draws are stratified by module, unique, and the public view never carries a key', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: pool.length }), fc.integer(), (n, seed) => {
        let s = seed;
        const rng = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
        const drawn = drawQuestions(pool, n, rng);
        expect(drawn).toHaveLength(n);
        expect(new Set(drawn.map((d) => d.id)).size).toBe(n);
        const perModule = ['words', 'response'].map((m) => drawn.filter((d) => q(d.id).module === m).length);
        expect(Math.abs(perModule[0]! - perModule[1]!)).toBeLessThanOrEqual(1); // 4 + 4 questions: turns alternate
        for (const d of drawn) {
          const view = JSON.stringify(publicQuestion(q(d.id), 'uk', d.order));
          expect(view).not.toMatch(/"correct"|"answer"|"accepted"|"explanation"|"feedback"|KEYEXPL/);
        }
      }),
    );
  });
});
