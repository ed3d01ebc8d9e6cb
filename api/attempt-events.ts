/**
 * A graded attempt was scored (submitted by the learner, or closed at its deadline). Integrations
 * subscribe here (the LTI tool sends the score to the platform) instead of editing the attempt paths.
 */
import type { Deps } from './deps.ts';

export type AttemptGradedListener = (
  deps: Deps,
  a: { attemptId: string; userId: number; courseId: string; score: number; passed: boolean; submittedAt: string },
) => Promise<void>;
const listeners: AttemptGradedListener[] = [];
export const onAttemptGraded = (fn: AttemptGradedListener) => listeners.push(fn);

export async function attemptGraded(deps: Deps, a: Parameters<AttemptGradedListener>[1]) {
  for (const fn of listeners) await fn(deps, a);
}
