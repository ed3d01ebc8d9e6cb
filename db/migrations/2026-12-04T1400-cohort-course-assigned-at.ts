/**
 * When a course was assigned to a cohort. An instructor sees a learner's record in a course only when
 * it was made after the learner joined the cohort AND after the course was assigned to it: otherwise
 * assigning a course afterwards would open what the learner did in it under another instructor (found
 * by a hostile review, ASVS 5.0 8.2.2). Assignments made before this migration keep the visibility they
 * had (the epoch). Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .alterTable('cohort_courses')
    .addColumn('assigned_at', t.timestamp, (c) => c.notNull().defaultTo('1970-01-01T00:00:00.000Z'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('cohort_courses').dropColumn('assigned_at').execute();
}
