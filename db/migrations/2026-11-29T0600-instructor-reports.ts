/**
 * Indexes for the instructor workspace: an instructor's cohorts, a cohort's codes, the cohort report
 * (aggregates per learner × course over progress, attempts and completions) and reset tokens per user.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cohorts_owner').on('cohorts').column('owner_id').execute();
  await db.schema.createIndex('enrolment_codes_cohort').on('enrolment_codes').column('cohort_id').execute();
  await db.schema.createIndex('password_resets_user').on('password_resets').column('user_id').execute();
  // Covering index for the report's per-learner × module aggregate (kind and time without a table lookup).
  await db.schema
    .createIndex('progress_events_report')
    .on('progress_events')
    .columns(['user_id', 'course_id', 'module_id', 'kind', 'occurred_at'])
    .execute();
  // Covering index for best score, attempt and failure counts per learner × course.
  await db.schema
    .createIndex('attempts_report')
    .on('attempts')
    .columns(['user_id', 'course_id', 'submitted_at', 'score', 'passed'])
    .execute();
  await db.schema
    .createIndex('completions_user_course')
    .on('completions')
    .columns(['user_id', 'course_id', 'completed_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of [
    'completions_user_course',
    'attempts_report',
    'progress_events_report',
    'password_resets_user',
    'enrolment_codes_cohort',
    'cohorts_owner',
  ]) {
    await db.schema.dropIndex(name).execute();
  }
}
