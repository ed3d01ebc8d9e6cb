/** Frozen in time: never import application code here. */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', t.id)
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('cadet','officer','instructor','admin')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('uk'))
    .addColumn('active', t.bool, (c) => c.notNull().defaultTo(t.boolValue(true)))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('erased_at', t.timestamp)
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();

  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', t.id)
    .addColumn('at', t.timestamp, (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('details', 'text')
    .addColumn('ip', 'text')
    .execute();

  await db.schema
    .createTable('cohorts')
    .addColumn('id', 'integer', t.id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('unit', 'text', (c) => c.notNull())
    .addColumn('starts_on', t.date)
    .addColumn('ends_on', t.date)
    .addColumn('owner_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('cohort_members')
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('joined_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('cohort_members_pk', ['cohort_id', 'user_id'])
    .execute();
  await db.schema.createIndex('cohort_members_user').on('cohort_members').column('user_id').execute();

  await db.schema
    .createTable('cohort_courses')
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('due_on', t.date)
    .addPrimaryKeyConstraint('cohort_courses_pk', ['cohort_id', 'course_id'])
    .execute();

  await db.schema
    .createTable('enrolment_codes')
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('hint', 'text', (c) => c.notNull())
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp)
    .addColumn('max_seats', 'integer')
    .addColumn('used_seats', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('revoked_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('progress_events')
    .addColumn('id', 'integer', t.id)
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('module_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('viewed','completed','practice')`))
    .addColumn('score', t.real)
    .addColumn('occurred_at', t.timestamp, (c) => c.notNull())
    .addColumn('received_at', t.timestamp, (c) => c.notNull())
    .execute();
  // Exactly-once: a retried event (same user, same client id) is ignored.
  await db.schema
    .createIndex('progress_events_client')
    .unique()
    .on('progress_events')
    .columns(['user_id', 'client_id'])
    .execute();
  await db.schema
    .createIndex('progress_events_user_course')
    .on('progress_events')
    .columns(['user_id', 'course_id', 'module_id'])
    .execute();

  await db.schema
    .createTable('attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('content_version', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('questions', t.json, (c) => c.notNull())
    .addColumn('started_at', t.timestamp, (c) => c.notNull())
    .addColumn('deadline_at', t.timestamp)
    .addColumn('submitted_at', t.timestamp)
    .addColumn('score', t.real)
    .addColumn('passed', t.bool)
    .execute();
  await db.schema.createIndex('attempts_user_course').on('attempts').columns(['user_id', 'course_id']).execute();

  await db.schema
    .createTable('attempt_responses')
    .addColumn('attempt_id', 'text', (c) => c.notNull().references('attempts.id').onDelete('cascade'))
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('response', t.json, (c) => c.notNull())
    .addColumn('score', t.real, (c) => c.notNull())
    .addPrimaryKeyConstraint('attempt_responses_pk', ['attempt_id', 'question_id'])
    .execute();

  await db.schema
    .createTable('completions')
    .addColumn('id', 'integer', t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('content_version', 'text', (c) => c.notNull())
    .addColumn('attempt_id', 'text')
    .addColumn('score', t.real)
    .addColumn('completed_at', t.timestamp, (c) => c.notNull())
    .execute();
  // A course completion is recorded once per attempt that completed it (idempotent issuance).
  await db.schema
    .createIndex('completions_once')
    .unique()
    .on('completions')
    .columns(['user_id', 'course_id', 'attempt_id'])
    .execute();

  await db.schema
    .createTable('certificates')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('completion_id', 'integer', (c) => c.notNull().unique().references('completions.id'))
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('content_version', 'text', (c) => c.notNull())
    .addColumn('name_printed', 'text', (c) => c.notNull())
    .addColumn('score', t.real)
    .addColumn('issued_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp)
    .addColumn('revoked_at', t.timestamp)
    .addColumn('revoked_reason', 'text')
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('certificates_user').on('certificates').column('user_id').execute();

  await db.schema
    .createTable('password_resets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'password_resets',
    'certificates',
    'completions',
    'attempt_responses',
    'attempts',
    'progress_events',
    'enrolment_codes',
    'cohort_courses',
    'cohort_members',
    'cohorts',
    'audit_log',
    'sessions',
    'users',
  ]) {
    await db.schema.dropTable(t).execute();
  }
}
