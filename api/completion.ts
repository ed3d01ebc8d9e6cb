/**
 * Course completion: when every module is complete and (for assessed courses) an attempt has passed,
 * record the completion once, with the content version, and issue the certificate. Called after a
 * `completed` progress event and after a passed attempt, so the order the learner does things in
 * does not matter. Idempotent: calling it again for the same completion does nothing.
 */
import { certificateExpiry, courseProgress, isCourseComplete } from '../courses/completion.ts';

/** A refresher taken within this window before expiry renews the certificate. */
export const RENEWAL_WINDOW_MS = 60 * 24 * 60 * 60 * 1000;
import { progressRepo } from '../db/repos/progress.ts';
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
  const progress = courseProgress(course, await progressRepo(deps.db).activity(userId, courseId));
  const passed = course.assessment
    ? await deps.db
        .selectFrom('attempts')
        .select(['id', 'score', 'submitted_at'])
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('passed', '=', 1)
        .orderBy('score', 'desc')
        .executeTakeFirst()
    : null;
  if (!isCourseComplete(course, progress, !!passed)) return null;
  // Already complete for this content version, and not yet due for renewal: nothing new to record.
  const latest = await deps.db
    .selectFrom('completions')
    .select(['id', 'content_version', 'completed_at'])
    .where('user_id', '=', userId)
    .where('course_id', '=', courseId)
    .orderBy('completed_at', 'desc')
    .executeTakeFirst();
  if (latest && latest.content_version === course.version) {
    const expiry = certificateExpiry(course, new Date(latest.completed_at));
    if (!expiry || expiry.getTime() - RENEWAL_WINDOW_MS > deps.now().getTime()) return { completionId: latest.id };
  }
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
