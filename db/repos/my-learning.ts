import type { DB } from '../connection.ts';

/** What "My learning" reads about one learner besides progress: assignments, attempts, completions, certificates. */
export function myLearningRepo(db: DB) {
  return {
    /** Courses assigned to the learner through their cohorts (not archived), with due dates. */
    assigned: (userId: number) =>
      db
        .selectFrom('cohort_courses')
        .innerJoin('cohort_members', 'cohort_members.cohort_id', 'cohort_courses.cohort_id')
        .innerJoin('cohorts', 'cohorts.id', 'cohort_courses.cohort_id')
        .select(['cohort_courses.course_id', 'cohort_courses.due_on'])
        .where('cohort_members.user_id', '=', userId)
        .where('cohorts.archived_at', 'is', null)
        .execute(),
    attempts: (userId: number) =>
      db
        .selectFrom('attempts')
        .select(['id', 'course_id', 'score', 'passed', 'started_at', 'submitted_at'])
        .where('user_id', '=', userId)
        .execute(),
    completions: (userId: number) =>
      db
        .selectFrom('completions')
        .select(['course_id', 'completed_at'])
        .where('user_id', '=', userId)
        .orderBy('completed_at')
        .execute(),
    /** Newest first. */
    certificates: (userId: number) =>
      db
        .selectFrom('certificates')
        .select(['code', 'course_id', 'issued_at', 'expires_at', 'revoked_at', 'superseded_by'])
        .where('user_id', '=', userId)
        .orderBy('issued_at', 'desc')
        .execute(),
  };
}
