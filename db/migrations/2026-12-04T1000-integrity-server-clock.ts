/**
 * Server-side clock for graded attempts (issue #18, item 4): answers saved as the learner goes
 * (`attempt_saves`, last write wins per question), how an attempt was finished (by the learner or
 * scored at the deadline from the saved answers), and a late submission made offline after the
 * deadline, kept pending until the cohort's instructor accepts or rejects it. Frozen in time: never
 * import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes, type ColumnTypes } from './dialect.ts';

const LATE_COLUMNS = (t: ColumnTypes): [string, string][] => [
  ['finished_by', 'text'],
  ['late_status', 'text'],
  ['late_submitted_at', t.timestamp],
  ['late_elapsed_ms', 'integer'],
  ['late_responses', t.json],
  ['late_score', t.real],
  ['late_reviewed_by', 'integer'],
  ['late_reviewed_at', t.timestamp],
];

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('attempt_saves')
    .addColumn('attempt_id', 'text', (c) => c.notNull().references('attempts.id').onDelete('cascade'))
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('response', t.json, (c) => c.notNull())
    .addColumn('saved_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('attempt_saves_pk', ['attempt_id', 'question_id'])
    .execute();
  for (const [name, type] of LATE_COLUMNS(t))
    await db.schema.alterTable('attempts').addColumn(name, sql.raw(type)).execute();
  // The instructors' queue: pending late submissions only (a partial index stays tiny).
  await db.schema
    .createIndex('attempts_late_pending')
    .on('attempts')
    .column('user_id')
    .where(sql<boolean>`late_status = 'pending'`)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('attempts_late_pending').execute();
  for (const [name] of LATE_COLUMNS(columnTypes(db)).reverse())
    await db.schema.alterTable('attempts').dropColumn(name).execute();
  await db.schema.dropTable('attempt_saves').execute();
}
