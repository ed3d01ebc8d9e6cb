/**
 * Queue an email. The row is the promise to send: the outbox worker sends it (or keeps it readable in
 * the admin pages when no SMTP server is configured). Queue it inside the transaction that made it
 * necessary, so it exists exactly when that change does. The same `dedupeKey` twice keeps one row.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export interface EmailMessage {
  to: string;
  userId: number | null;
  kind: string;
  locale: 'uk' | 'en';
  subject: string;
  text: string;
  /** What makes this message unique, e.g. `follow-up:42:course-slug:2027-03-01`. */
  dedupeKey: string;
  /** Not before this time (default: now). */
  sendAfter?: string;
}

/** Queue a message; returns false when one with the same dedupe key is already queued or sent. */
export async function enqueueEmail(db: Kysely<Database>, msg: EmailMessage, now: Date): Promise<boolean> {
  const at = now.toISOString();
  const result = await db
    .insertInto('email_outbox')
    .values({
      to_address: msg.to,
      user_id: msg.userId,
      kind: msg.kind,
      locale: msg.locale,
      subject: msg.subject,
      body_text: msg.text,
      dedupe_key: msg.dedupeKey,
      created_at: at,
      send_after: msg.sendAfter ?? at,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
