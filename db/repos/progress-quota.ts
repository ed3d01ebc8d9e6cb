/** What the progress quotas need from the database (api/middleware/progress-quota.ts). */
import { sql } from 'kysely';
import type { DB } from '../connection.ts';

export function progressQuotaRepo(db: DB) {
  return {
    /** Stored events per module of one course for one learner (served by the progress_events_report index). */
    async countsByModule(userId: number, courseId: string, moduleIds: string[]): Promise<Map<string, number>> {
      const rows = await db
        .selectFrom('progress_events')
        .select(['module_id', sql<number>`count(*)`.as('n')])
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .where('module_id', 'in', moduleIds)
        .groupBy('module_id')
        .execute();
      return new Map(rows.map((r) => [r.module_id, Number(r.n)]));
    },
    /** When the account was created and when it first joined a cohort (null: never). */
    origin: (userId: number) =>
      db
        .selectFrom('users')
        .leftJoin('cohort_members', 'cohort_members.user_id', 'users.id')
        .select(['users.created_at', sql<string | null>`min(cohort_members.joined_at)`.as('first_joined')])
        .where('users.id', '=', userId)
        .groupBy('users.id')
        .executeTakeFirst(),
  };
}
