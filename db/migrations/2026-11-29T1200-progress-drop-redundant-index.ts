/**
 * Drops `progress_events_user_course` (user_id, course_id, module_id): it is a prefix of
 * `progress_events_report` (user_id, course_id, module_id, kind, occurred_at), so every query it served
 * is served by that index, by the same search (checked with EXPLAIN QUERY PLAN for every query that
 * reads progress_events: a learner's activity, the cohort report, the privacy export and erasure,
 * the count per user). What it cost: one more B-tree page per learner written to the WAL and
 * checkpointed on every ingestion commit. The unique (user_id, client_id) index that de-duplicates
 * client ids stays. Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('progress_events_user_course').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('progress_events_user_course')
    .on('progress_events')
    .columns(['user_id', 'course_id', 'module_id'])
    .execute();
}
