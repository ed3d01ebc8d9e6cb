/**
 * The built-in evaluation (issue #23 item 4, docs/evaluation.md):
 * - `evaluation_pretests`: a learner's pre-test for a course (drawn questions, score): one per learner
 *   and course, like an attempt but before module 1;
 * - `evaluation_reactions` / `evaluation_followups`: the anonymous answers, keyed by cohort and course
 *   with the month only (no learner id, no precise time, a random id: nothing to join back on);
 * - `evaluation_reaction_marks` / `evaluation_followup_marks`: who has answered (so a learner answers
 *   once, and the reminder stops), with no time and no link to the answer.
 * Frozen in time: never import application code here.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { columnTypes, isPostgres } from './dialect.ts';

/**
 * On SQLite the answer and mark tables are WITHOUT ROWID: rows are stored in primary-key order (a random
 * id, or learner and course), so the file keeps no insertion order that would pair a mark with its answer.
 */
const unordered = (db: Kysely<any>) => (t: CreateTableBuilder<any, any>) =>
  isPostgres(db) ? t : t.modifyEnd(sql`without rowid`);

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('evaluation_pretests')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('content_version', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('questions', t.json, (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('submitted_at', t.timestamp)
    .addColumn('score', 'real')
    .addPrimaryKeyConstraint('evaluation_pretests_pk', ['user_id', 'course_id'])
    .execute();
  for (const kind of ['reaction', 'followup'] as const) {
    await db.schema
      .createTable(`evaluation_${kind}_marks`)
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('course_id', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint(`evaluation_${kind}_marks_pk`, ['user_id', 'course_id'])
      .$call(unordered(db))
      .execute();
  }
  await db.schema
    .createTable('evaluation_reactions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cohort_id', 'integer', (c) => c.references('cohorts.id').onDelete('set null'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('relevance', 'integer', (c) => c.notNull())
    .addColumn('clarity', 'integer', (c) => c.notNull())
    .addColumn('confidence', 'integer', (c) => c.notNull())
    .addColumn('workload', 'integer', (c) => c.notNull())
    .addColumn('comment', 'text')
    .$call(unordered(db))
    .execute();
  await db.schema
    .createIndex('evaluation_reactions_cohort')
    .on('evaluation_reactions')
    .columns(['cohort_id', 'course_id'])
    .execute();
  await db.schema
    .createTable('evaluation_followups')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('cohort_id', 'integer', (c) => c.references('cohorts.id').onDelete('set null'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('month', 'text', (c) => c.notNull())
    .addColumn('usage', t.json, (c) => c.notNull())
    .addColumn('barriers', t.json, (c) => c.notNull())
    .addColumn('comment', 'text')
    .$call(unordered(db))
    .execute();
  await db.schema
    .createIndex('evaluation_followups_cohort')
    .on('evaluation_followups')
    .columns(['cohort_id', 'course_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'evaluation_followups',
    'evaluation_reactions',
    'evaluation_followup_marks',
    'evaluation_reaction_marks',
    'evaluation_pretests',
  ])
    await db.schema.dropTable(table).execute();
}
