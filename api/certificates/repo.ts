/** Certificate records: plain functions over the database. */
import type { DB } from '../../db/connection.ts';

export function certificatesRepo(db: DB) {
  return {
    byCode: (code: string) => db.selectFrom('certificates').selectAll().where('code', '=', code).executeTakeFirst(),
    forUser: (userId: number) =>
      db.selectFrom('certificates').selectAll().where('user_id', '=', userId).orderBy('issued_at', 'desc').execute(),
    /** Certificates of every member of a cohort, with the member's email for matching. */
    /**
     * Certificates of the cohort's members in the cohort's courses, issued after the member joined
     * (those earned in another cohort are not this cohort's instructor's to see).
     */
    forCohort: (cohortId: number) =>
      db
        .selectFrom('certificates')
        .innerJoin('cohort_members', 'cohort_members.user_id', 'certificates.user_id')
        .innerJoin('cohort_courses', (j) =>
          j
            .onRef('cohort_courses.cohort_id', '=', 'cohort_members.cohort_id')
            .onRef('cohort_courses.course_id', '=', 'certificates.course_id'),
        )
        .innerJoin('users', 'users.id', 'certificates.user_id')
        .selectAll('certificates')
        .select('users.email')
        .where('cohort_members.cohort_id', '=', cohortId)
        .whereRef('certificates.issued_at', '>=', 'cohort_members.joined_at')
        .whereRef('certificates.issued_at', '>=', 'cohort_courses.assigned_at')
        .orderBy('users.full_name')
        .orderBy('certificates.issued_at')
        .execute(),
    /** Completions that have no certificate yet (a listener failed, or they predate certificates). */
    completionsWithout: (userId: number) =>
      db
        .selectFrom('completions')
        .leftJoin('certificates', 'certificates.completion_id', 'completions.id')
        .selectAll('completions')
        .where('completions.user_id', '=', userId)
        .where('certificates.code', 'is', null)
        .execute(),
    revoke: (code: string, at: string, reason: string) =>
      db
        .updateTable('certificates')
        .set({ revoked_at: at, revoked_reason: reason })
        .where('code', '=', code)
        .where('revoked_at', 'is', null)
        .executeTakeFirst(),
  };
}
