/**
 * The email outbox: every message the platform sends is first a row here, written in the same
 * transaction as what caused it, then sent by the outbox worker (SMTP through nodemailer when
 * `SMTP_URL` is set). `dedupe_key` is unique so the same reminder is never queued twice; a row is
 * claimed before sending and marked sent after, so a message is never sent twice. Frozen in time:
 * never import application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'integer', t.id)
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('locale', 'text', (c) => c.notNull().defaultTo('uk'))
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('send_after', t.timestamp, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', t.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('sent_at', t.timestamp)
    .addColumn('failed_at', t.timestamp)
    .execute();
  await db.schema.createIndex('email_outbox_due').on('email_outbox').columns(['sent_at', 'send_after']).execute();
  await db.schema.createIndex('email_outbox_user').on('email_outbox').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('email_outbox').execute();
}
