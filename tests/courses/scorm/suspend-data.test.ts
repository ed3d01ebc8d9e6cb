import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../../courses/catalog.ts';
import { decodeDraft, drawFromSeed, encodeDraft, DraftError } from '../../../courses/scorm/common/draft.ts';
import { measureSuspendData, worstCaseProgress } from '../../../courses/scorm/common/measure.ts';
import {
  decodeProgress,
  encodeProgress,
  SuspendDataError,
  type Progress,
} from '../../../courses/scorm/common/suspend-data.ts';
import { fixtures, tempDir } from '../../helpers/app.ts';
import { writeScormContent } from './content.ts';

const progress = fc.record({
  bookmark: fc.oneof(
    fc.constant(''),
    fc.constant('a'),
    fc.constant('g'),
    fc.constant('h'),
    fc.integer({ min: 1, max: 100 }).map((n) => `m${n}`),
    fc.integer({ min: 1, max: 100 }).map((n) => `p${n}`),
  ),
  done: fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 100 }).map((a) => a.sort((x, y) => x - y)),
  attempts: fc.integer({ min: 0, max: 1000 }),
  best: fc.option(
    fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
    { nil: null },
  ),
  last: fc.option(
    fc.integer({ min: 0, max: 10000 }).map((n) => n / 100),
    { nil: null },
  ),
  passed: fc.boolean(),
  draft: fc.option(
    fc.string({ unit: 'binary', maxLength: 300 }).filter((s) => s.length > 0),
    { nil: null },
  ),
}) satisfies fc.Arbitrary<Progress>;

describe('suspend_data codec', () => {
  it('round-trips any progress (property)', () => {
    fc.assert(
      fc.property(progress, (p) => {
        const enc = encodeProgress(p, '2004');
        expect(enc.draftKept).toBe(true);
        expect(decodeProgress(enc.text, 100)).toEqual(p);
      }),
    );
  });

  it('never exceeds the SCORM 1.2 limit of 4,096 characters: an open attempt that does not fit is left out, the rest is kept', () => {
    const p: Progress = {
      bookmark: 'm3',
      done: [0, 1, 2],
      attempts: 1,
      best: 50,
      last: 50,
      passed: false,
      draft: 'x'.repeat(5000),
    };
    const enc = encodeProgress(p, '1.2');
    expect(enc.text.length).toBeLessThanOrEqual(4096);
    expect(enc.draftKept).toBe(false);
    expect(decodeProgress(enc.text, 3)).toEqual({ ...p, draft: null });
    // 2004 allows 64,000.
    expect(encodeProgress(p, '2004').draftKept).toBe(true);
  });

  it('refuses data it did not write, naming the problem', () => {
    expect(() => decodeProgress('{"a":1}', 3)).toThrow(SuspendDataError);
    expect(() => decodeProgress('o1|m1|zz|0|||0|', 3)).toThrow(/module/);
    expect(() => decodeProgress('o1|x9|1|0|||0|', 3)).toThrow(/bookmark/);
    expect(decodeProgress('', 3)).toMatchObject({ done: [], attempts: 0, draft: null });
  });
});

describe('open attempt (draft) codec', () => {
  const fixture = fixtures().courses.get('fixture-course')!;
  const pool = fixture.pool!;
  const n = fixture.course.assessment!.questions;

  it('reproduces the same draw from the seed and restores every response type', () => {
    const { questions } = drawFromSeed(pool, n, 123456);
    expect(drawFromSeed(pool, n, 123456).drawn).toEqual(drawFromSeed(pool, n, 123456).drawn);
    const responses = {
      'g-single': 'b',
      'g-multiple': ['d', 'a'],
      'g-tf': false,
      'g-matching': { p1: 'p2', p3: 'p3' },
      'g-ordering': ['hand', 'isolate', 'record'],
      'g-numeric': -16.5,
      'g-text': '50%~|ok',
    };
    const text = encodeDraft(pool, n, { seed: 123456, startedAt: 1_800_000_000_000, responses });
    expect(text.length).toBeLessThan(60);
    const back = decodeDraft(pool, n, text);
    expect(back).toEqual({ seed: 123456, startedAt: 1_800_000_000_000, responses });
    expect(questions).toHaveLength(n);
  });

  it('rejects a draft that does not fit the pool (e.g. the course changed)', () => {
    expect(() => decodeDraft(pool, n, 'zz')).toThrow(DraftError);
    const text = encodeDraft(pool, n, { seed: 7, startedAt: 0, responses: {} });
    expect(() => decodeDraft(pool, n, `${text}~z~z~z~z~z~z~z~z~z`)).toThrow(DraftError);
  });
});

describe('the largest suspend_data', () => {
  it('fits SCORM 1.2 for every real course, with an open attempt answered at its longest', () => {
    const real = loadCatalog(contentFsFrom(fs), 'content');
    for (const { course, pool } of real.courses.values()) {
      const m = measureSuspendData(course, pool, '1.2');
      expect(m.draftKept, course.id).toBe(true);
      expect(m.chars, course.id).toBeLessThanOrEqual(4096);
    }
  });

  it('a course drawing 200 questions (the schema maximum, 12-option choices, 10-item orderings) still fits 4,096 characters', () => {
    const dir = writeScormContent(path.join(tempDir('oberih-scorm-200-'), 'content'));
    const big = loadCatalog(contentFsFrom(fs), dir).courses.get('big-course')!;
    expect(big.course.assessment!.questions).toBe(200);
    const worst = worstCaseProgress(big.course, big.pool);
    const enc = encodeProgress(worst, '1.2');
    expect(enc.draftKept).toBe(true);
    expect(enc.text.length).toBeLessThanOrEqual(4096);
    const back = decodeProgress(enc.text, big.course.modules.length);
    const draft = decodeDraft(big.pool!, 200, back.draft!);
    expect(Object.keys(draft.responses)).toHaveLength(200);
  });
});
