/**
 * How much of a submitted graded attempt its learner sees (issue #18, item 2). With several attempts
 * and a pool only a little larger than one draw, showing the key after every attempt lets a learner
 * who never studied memorise the pool by attempt 2 or 3. `after-final` (the default) shows the score
 * and per-module right counts while attempts remain, and the answers only once the learner has passed
 * or has no attempt left. Staff always see everything. Pure.
 */
import type { ReviewPolicy } from './schema/course.ts';
import type { Question } from './schema/question.ts';

/** `none`: nothing; `score`: score and pass; `modules`: plus right counts per module; `full`: plus answers. */
export type ReviewLevel = 'none' | 'score' | 'modules' | 'full';

export function reviewLevel(
  policy: ReviewPolicy,
  a: { passed: boolean; attemptsLeft: number | null; staff?: boolean },
): ReviewLevel {
  if (a.staff) return 'full';
  switch (policy) {
    case 'none':
      return 'none';
    case 'score-only':
      return 'score';
    case 'after-submit':
      return 'full';
    case 'after-pass':
      return a.passed ? 'full' : 'score';
    case 'after-final':
      return a.passed || a.attemptsLeft === 0 ? 'full' : 'modules';
  }
}

/** Per module (in order of first appearance): how many questions were fully right out of how many. */
export function moduleTally(
  questions: Pick<Question, 'id' | 'module'>[],
  scores: ReadonlyMap<string, number>,
): { module: string; right: number; total: number }[] {
  const out = new Map<string, { module: string; right: number; total: number }>();
  for (const q of questions) {
    const row = out.get(q.module) ?? { module: q.module, right: 0, total: 0 };
    row.total++;
    if ((scores.get(q.id) ?? 0) >= 1) row.right++;
    out.set(q.module, row);
  }
  return [...out.values()];
}
