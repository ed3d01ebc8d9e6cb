/**
 * Course completion: when every module is complete and (for assessed courses) an attempt has passed in
 * the learner's current certification cycle (`courses/cycles.ts`), record the completion once, with the
 * content version, and issue the certificate. Called after a `completed` progress event and after a
 * passed attempt, so the order the learner does things in does not matter. Idempotent: calling it again
 * in the same cycle does nothing. A renewal cycle is completed by a pass in that cycle, whatever its
 * score against earlier ones: its attempt id is new, so `completions_once` never collides with the
 * first completion (issue #18, item 6).
 */
import { courseProgress, isCourseComplete } from '../courses/completion.ts';
import { attemptsInCycle, currentCycle } from '../courses/cycles.ts';
import { progressRepo } from '../db/repos/progress.ts';
import { attemptsRepo } from '../db/repos/attempts.ts';
import type { Course } from '../courses/schema/course.ts';
import type { Deps } from './deps.ts';

export type CompletionListener = (
  deps: Deps,
  c: { completionId: number; userId: number; courseId: string; score: number | null; completedAt: string },
) => Promise<void>;
const listeners: CompletionListener[] = [];
/** Subscribe to course completions (the certificates module issues certificates here). */
export const onCourseCompleted = (fn: CompletionListener) => listeners.push(fn);

export async function checkCompletion(
  deps: Deps,
  userId: number,
  courseId: string,
): Promise<{ completionId: number } | null> {
  const loaded = deps.catalog.courses.get(courseId);
  if (!loaded) return null;
  const { course } = loaded;
  const progress = courseProgress(course, await progressRepo(deps.db).activity(userId, courseId), loaded);
  const completions = await deps.db
    .selectFrom('completions')
    .select(['id', 'content_version', 'completed_at'])
    .where('user_id', '=', userId)
    .where('course_id', '=', courseId)
    .orderBy('completed_at', 'desc')
    .execute();
  const attempts = course.assessment ? await attemptsRepo(deps.db).forUser(userId, courseId) : [];
  const cycle = currentCycle(course, completions, attempts, deps.now());
  // Already complete in this cycle for this content version: nothing new to record.
  const latest = completions[0];
  if (latest && cycle.completed && latest.content_version === course.version) return { completionId: latest.id };
  // The best pass of this cycle (a renewal pass counts even when an earlier cycle scored higher).
  const passed = attemptsInCycle(cycle, attempts)
    .filter((a) => a.passed === 1)
    .sort((a, b) => (b.score ?? 0) - (a.score ?? 0))[0];
  if (!isCourseComplete(course, progress, !!passed)) return null;
  const attemptKey = passed?.id ?? `modules:${course.version}:${deps.now().toISOString().slice(0, 10)}`;
  const completedAt = deps.now().toISOString();
  const row = await deps.db
    .insertInto('completions')
    .values({
      user_id: userId,
      course_id: courseId,
      content_version: course.version,
      attempt_id: attemptKey,
      score: passed?.score ?? null,
      completed_at: completedAt,
    })
    .onConflict((oc) => oc.columns(['user_id', 'course_id', 'attempt_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  for (const fn of listeners)
    await fn(deps, { completionId: row.id, userId, courseId, score: passed?.score ?? null, completedAt });
  return { completionId: row.id };
}

/** The learner's current certification cycle in a course, with every attempt (for counting per cycle). */
export async function cycleOf(deps: Deps, userId: number, course: Course) {
  const [completions, attempts] = await Promise.all([
    deps.db
      .selectFrom('completions')
      .select(['completed_at'])
      .where('user_id', '=', userId)
      .where('course_id', '=', course.id)
      .execute(),
    attemptsRepo(deps.db).forUser(userId, course.id),
  ]);
  return { cycle: currentCycle(course, completions, attempts, deps.now()), attempts };
}
