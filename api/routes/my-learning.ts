import { courseProgress, type CourseProgress } from '../../courses/completion.ts';
import { currentCycle, type Cycle } from '../../courses/cycles.ts';
import { myLearningRepo } from '../../db/repos/my-learning.ts';
import { progressRepo } from '../../db/repos/progress.ts';
import type { Deps } from '../deps.ts';
import { evaluationState, type EvaluationState } from './evaluation.ts';

export interface MyCourse extends CourseProgress {
  title: { uk: string; en: string };
  audience: string;
  /** Earliest due date among the learner's cohorts that assign the course. */
  dueOn: string | null;
  assigned: boolean;
  assessment: { attempts: number; bestScore: number | null; passed: boolean; open: string | null } | null;
  completedAt: string | null;
  certificates: {
    code: string;
    issued_at: string;
    expires_at: string | null;
    revoked: boolean;
    superseded: boolean;
  }[];
  /** The current certification cycle: initial or n-th renewal, attempts left in it and its deadline. */
  cycle: Cycle;
  /** The course's evaluation steps for this learner (pre-test, questionnaire, follow-up reminder), or null. */
  evaluation: EvaluationState | null;
}

/** Everything "My learning" shows: assigned or started courses with progress, due dates, attempts and certificates. */
export async function myCourseSummaries(
  deps: Pick<Deps, 'db' | 'catalog' | 'now'>,
  userId: number,
): Promise<MyCourse[]> {
  const { db, catalog } = deps;
  const mine = myLearningRepo(db);
  const [activity, assigned, attempts, completions, certificates] = await Promise.all([
    progressRepo(db).activity(userId),
    mine.assigned(userId),
    mine.attempts(userId),
    mine.completions(userId),
    mine.certificates(userId),
  ]);
  const ids = new Set([
    ...activity.map((a) => a.course_id),
    ...assigned.map((a) => a.course_id),
    ...completions.map((c) => c.course_id),
  ]);
  const out: MyCourse[] = [];
  for (const id of ids) {
    const loaded = catalog.courses.get(id);
    if (!loaded) continue;
    const course = loaded.course;
    const mine = attempts.filter((a) => a.course_id === id);
    const submitted = mine.filter((a) => a.submitted_at);
    const dues = assigned
      .filter((a) => a.course_id === id && a.due_on)
      .map((a) => a.due_on!)
      .sort();
    const cycle = currentCycle(
      course,
      completions.filter((c) => c.course_id === id),
      mine,
      deps.now(),
      dues[0] ?? null,
    );
    out.push({
      ...courseProgress(
        course,
        activity.filter((a) => a.course_id === id),
        loaded,
      ),
      title: course.title,
      audience: course.audience,
      dueOn: dues[0] ?? null,
      assigned: assigned.some((a) => a.course_id === id),
      assessment: course.assessment
        ? {
            attempts: submitted.length,
            bestScore: submitted.length ? Math.max(...submitted.map((a) => a.score ?? 0)) : null,
            passed: submitted.some((a) => a.passed === 1),
            open: mine.find((a) => !a.submitted_at)?.id ?? null,
          }
        : null,
      completedAt: completions.filter((c) => c.course_id === id).at(-1)?.completed_at ?? null,
      certificates: certificates
        .filter((c) => c.course_id === id)
        .map((c) => ({
          code: c.code,
          issued_at: c.issued_at,
          expires_at: c.expires_at,
          revoked: !!c.revoked_at,
          superseded: !!c.superseded_by,
        })),
      cycle,
      evaluation: await evaluationState(deps, userId, id),
    });
  }
  return out.sort((a, b) => course_order(a) - course_order(b));
}

const course_order = (c: MyCourse) => (c.dueOn ? Date.parse(c.dueOn) : Number.MAX_SAFE_INTEGER);
