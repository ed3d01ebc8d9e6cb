/** The generated wrong answers used by the demo seed and the benchmark really are wrong, for every real question. */
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { wrongResponse } from '../../courses/sample-responses.ts';
import { correctResponse, scoreQuestion } from '../../courses/scoring.ts';
import type { Question } from '../../courses/schema/question.ts';

const catalog = loadCatalog(contentFsFrom(fs), 'content', { withPools: true });
const questions: Question[] = [...catalog.courses.values()].flatMap((c) => [
  ...(c.pool ?? []),
  ...[...c.practice.values()].flat(),
]);

describe('wrongResponse', () => {
  it('covers the real courses (every question type)', () => {
    expect(questions.length).toBeGreaterThan(100);
    expect(new Set(questions.map((q) => q.type)).size).toBeGreaterThanOrEqual(6);
  });

  it('never earns full marks, deterministic or random, while the correct response always does', () => {
    for (const q of questions) {
      expect(scoreQuestion(q, correctResponse(q)).score, q.id).toBe(1);
      expect(scoreQuestion(q, wrongResponse(q)).score, q.id).toBeLessThan(1);
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...questions),
        fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), { minLength: 8, maxLength: 8 }),
        (q, draws) => {
          let i = 0;
          const r = wrongResponse(q, () => draws[i++ % draws.length]!);
          return scoreQuestion(q, r).score < 1;
        },
      ),
      { numRuns: 2000 },
    );
  });
});
