/**
 * Security issue #19, items 2 and 11.
 * - `cohort_invitations`: an instructor's CSV import no longer adds an existing learner account to
 *   their cohort; it invites it, and the learner accepts when signed in (ASVS 8.2.2: an instructor
 *   sees only learners who joined their cohort).
 * - `cohorts.archived_at`: deleting a cohort archives it; an admin can restore it for 30 days.
 * - `audit_log_target`: erasure finds the audit rows about a person by their email.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('cohorts').addColumn('archived_at', t.timestamp).execute();
  await db.schema
    .createTable('cohort_invitations')
    .addColumn('id', 'integer', t.id)
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('invited_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('accepted_at', t.timestamp)
    .addUniqueConstraint('cohort_invitations_once', ['cohort_id', 'user_id'])
    .execute();
  await db.schema.createIndex('cohort_invitations_user').on('cohort_invitations').column('user_id').execute();
  await db.schema.createIndex('audit_log_target').on('audit_log').column('target').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_target').execute();
  await db.schema.dropTable('cohort_invitations').execute();
  await db.schema.alterTable('cohorts').dropColumn('archived_at').execute();
}
