/**
 * Consultation and supervision (issue #24): supervisors' scopes, consultation requests and their
 * (encrypted) messages, case notes, group supervision sessions with sign-ups, and in-app
 * notifications. Frozen in time: never import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('supervisor_profiles')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('psychologist', t.bool, (c) => c.notNull().defaultTo(t.boolValue(false)))
    .addColumn('topics', t.json, (c) => c.notNull())
    .addColumn('oblasts', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('consultations')
    .addColumn('id', 'integer', t.id)
    .addColumn('requester_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull().check(sqlIn('urgency', ['routine', 'urgent'])))
    .addColumn('oblast', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text')
    .addColumn('module_id', 'text')
    .addColumn('wellbeing', t.bool, (c) => c.notNull().defaultTo(t.boolValue(false)))
    .addColumn('status', 'text', (c) => c.notNull().check(sqlIn('status', ['open', 'claimed', 'closed'])))
    .addColumn('supervisor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('due_at', t.timestamp, (c) => c.notNull())
    .addColumn('claimed_at', t.timestamp)
    .addColumn('first_response_at', t.timestamp)
    .addColumn('closed_at', t.timestamp)
    .addColumn('rating', 'text')
    .addColumn('overdue_notified_at', t.timestamp)
    .execute();
  await db.schema.createIndex('consultations_requester').on('consultations').column('requester_id').execute();
  await db.schema.createIndex('consultations_status').on('consultations').columns(['status', 'due_at']).execute();
  await db.schema.createIndex('consultations_supervisor').on('consultations').column('supervisor_id').execute();

  await db.schema
    .createTable('consultation_messages')
    .addColumn('id', 'integer', t.id)
    .addColumn('consultation_id', 'integer', (c) => c.notNull().references('consultations.id').onDelete('cascade'))
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('body_enc', 'text', (c) => c.notNull())
    .addColumn('identifying_confirmed', t.bool, (c) => c.notNull().defaultTo(t.boolValue(false)))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('consultation_messages_thread')
    .on('consultation_messages')
    .columns(['consultation_id', 'id'])
    .execute();

  await db.schema
    .createTable('case_notes')
    .addColumn('id', 'integer', t.id)
    .addColumn('author_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('consultation_id', 'integer', (c) => c.references('consultations.id').onDelete('set null'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text')
    .addColumn('module_id', 'text')
    .addColumn('locale', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('review_comment', 'text')
    .addColumn('reviewed_at', t.timestamp)
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('published_at', t.timestamp)
    .execute();
  await db.schema.createIndex('case_notes_status').on('case_notes').columns(['status', 'published_at']).execute();

  await db.schema
    .createTable('supervision_sessions')
    .addColumn('id', 'integer', t.id)
    .addColumn('supervisor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('starts_at', t.timestamp, (c) => c.notNull())
    .addColumn('duration_minutes', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    .addColumn('oblast', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('cancelled_at', t.timestamp)
    .addColumn('reminder_sent_at', t.timestamp)
    .execute();
  await db.schema
    .createTable('supervision_signups')
    .addColumn('session_id', 'integer', (c) => c.notNull().references('supervision_sessions.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('attended', t.bool)
    .addPrimaryKeyConstraint('supervision_signups_pk', ['session_id', 'user_id'])
    .execute();
  await db.schema.createIndex('supervision_signups_user').on('supervision_signups').column('user_id').execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'integer', t.id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('consultation_id', 'integer', (c) => c.references('consultations.id').onDelete('cascade'))
    .addColumn('session_id', 'integer', (c) => c.references('supervision_sessions.id').onDelete('cascade'))
    .addColumn('case_note_id', 'integer', (c) => c.references('case_notes.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('read_at', t.timestamp)
    .execute();
  await db.schema.createIndex('notifications_user').on('notifications').columns(['user_id', 'read_at']).execute();
}

function sqlIn(column: string, values: string[]) {
  return sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'notifications',
    'supervision_signups',
    'supervision_sessions',
    'case_notes',
    'consultation_messages',
    'consultations',
    'supervisor_profiles',
  ])
    await db.schema.dropTable(table).execute();
}
