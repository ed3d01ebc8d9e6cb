import { describe, expect, it } from 'vitest';
import { moduleTally, reviewLevel } from '../../courses/review-policy.ts';
import { assessmentSettingsSchema } from '../../courses/schema/course.ts';

describe('review policy', () => {
  it('after-final: counts while attempts remain; answers once passed or out of attempts; staff always', () => {
    expect(reviewLevel('after-final', { passed: false, attemptsLeft: 2 })).toBe('modules');
    expect(reviewLevel('after-final', { passed: false, attemptsLeft: null })).toBe('modules');
    expect(reviewLevel('after-final', { passed: false, attemptsLeft: 0 })).toBe('full');
    expect(reviewLevel('after-final', { passed: true, attemptsLeft: 2 })).toBe('full');
    expect(reviewLevel('none', { passed: false, attemptsLeft: 2, staff: true })).toBe('full');
    expect(reviewLevel('after-pass', { passed: false, attemptsLeft: 0 })).toBe('score');
    expect(reviewLevel('score-only', { passed: true, attemptsLeft: 0 })).toBe('score');
  });

  it('is the default, and after-submit is refused for more than one attempt', () => {
    expect(assessmentSettingsSchema.parse({ questions: 5, maxAttempts: 3 }).review).toBe('after-final');
    for (const maxAttempts of [3, undefined]) {
      const r = assessmentSettingsSchema.safeParse({ questions: 5, maxAttempts, review: 'after-submit' });
      expect(r.success).toBe(false);
      expect(r.error!.issues[0]!.message).toMatch(/use "after-final", or maxAttempts: 1/);
    }
    expect(assessmentSettingsSchema.safeParse({ questions: 5, maxAttempts: 1, review: 'after-submit' }).success).toBe(
      true,
    );
  });

  it('tallies fully right questions per module, in order of first appearance', () => {
    const qs = [
      { id: 'q1', module: 'b' },
      { id: 'q2', module: 'a' },
      { id: 'q3', module: 'b' },
    ];
    expect(
      moduleTally(
        qs,
        new Map([
          ['q1', 1],
          ['q3', 0.5],
        ]),
      ),
    ).toEqual([
      { module: 'b', right: 1, total: 2 },
      { module: 'a', right: 0, total: 1 },
    ]);
  });
});
