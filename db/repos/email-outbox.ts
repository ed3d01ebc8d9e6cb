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

export type OutboxStatus = 'pending' | 'sent' | 'failed';

export interface ClaimedEmail {
  id: number;
  to_address: string;
  kind: string;
  locale: 'uk' | 'en';
  subject: string;
  body_text: string;
  dedupe_key: string;
  attempts: number;
  /** The lease this worker holds: it may send only while it holds it. */
  claimed_until: string;
}

/**
 * The outbox worker's queries. Claiming is a compare-and-set per row (`UPDATE … WHERE claimed_until
 * IS NULL OR claimed_until < now`), so two workers — in one process or in two, on SQLite or PostgreSQL —
 * never hold the same row at the same time. Attempts are counted at claim time: a worker that dies
 * mid-send still used up an attempt, and the row comes back once its lease has run out.
 */
export function emailOutboxRepo(db: Kysely<Database>) {
  return {
    /** Claim up to `limit` due rows until `now + leaseMs`; returns only the rows this call won. */
    async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedEmail[]> {
      const at = now.toISOString();
      const until = new Date(now.getTime() + leaseMs).toISOString();
      const candidates = await db
        .selectFrom('email_outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('send_after', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
        .orderBy('send_after')
        .orderBy('id')
        // More candidates than wanted: another worker may win some of them between the read and the claim.
        .limit(limit * 4 + 8)
        .execute();
      const won: ClaimedEmail[] = [];
      for (const { id } of candidates) {
        if (won.length >= limit) break;
        const row = await db
          .updateTable('email_outbox')
          .set((eb) => ({ claimed_until: until, attempts: eb('attempts', '+', 1) }))
          .where('id', '=', id)
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
          .returning(['id', 'to_address', 'kind', 'locale', 'subject', 'body_text', 'dedupe_key', 'attempts'])
          .executeTakeFirst();
        if (row) won.push({ ...row, claimed_until: until });
      }
      return won;
    },

    /** Mark a claimed row sent; false when this worker no longer held it (nothing changed). */
    async markSent(id: number, lease: string, now: Date): Promise<boolean> {
      const r = await db
        .updateTable('email_outbox')
        .set({ sent_at: now.toISOString(), claimed_until: null, last_error: null })
        .where('id', '=', id)
        .where('claimed_until', '=', lease)
        .where('sent_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /**
     * Record a failed send: try again at `retryAt`, or give up (`failed_at`) when `retryAt` is null.
     * The error text is kept short and is the transport's message, never the body.
     */
    async markFailed(id: number, lease: string, now: Date, error: string, retryAt: Date | null): Promise<void> {
      await db
        .updateTable('email_outbox')
        .set({
          claimed_until: null,
          last_error: error.slice(0, 500),
          ...(retryAt ? { send_after: retryAt.toISOString() } : { failed_at: now.toISOString() }),
        })
        .where('id', '=', id)
        .where('claimed_until', '=', lease)
        .where('sent_at', 'is', null)
        .execute();
    },

    /** The admin view: newest first, optionally one status, with the full text (admins only). */
    async list(opts: { status?: OutboxStatus; limit: number; offset?: number }) {
      let q = db
        .selectFrom('email_outbox')
        .select([
          'id',
          'to_address',
          'kind',
          'locale',
          'subject',
          'body_text',
          'created_at',
          'send_after',
          'attempts',
          'last_error',
          'sent_at',
          'failed_at',
        ]);
      if (opts.status === 'sent') q = q.where('sent_at', 'is not', null);
      if (opts.status === 'failed') q = q.where('failed_at', 'is not', null);
      if (opts.status === 'pending') q = q.where('sent_at', 'is', null).where('failed_at', 'is', null);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(opts.limit)
        .offset(opts.offset ?? 0)
        .execute();
      return rows.map((r) => ({
        ...r,
        status: (r.sent_at ? 'sent' : r.failed_at ? 'failed' : 'pending') as OutboxStatus,
      }));
    },

    /** How many rows are in each status. */
    async counts(): Promise<Record<OutboxStatus, number>> {
      const rows = await db
        .selectFrom('email_outbox')
        .select((eb) => [
          eb.fn.countAll<number>().as('all'),
          eb.fn.count<number>('sent_at').as('sent'),
          eb.fn.count<number>('failed_at').as('failed'),
        ])
        .executeTakeFirstOrThrow();
      const all = Number(rows.all);
      const sent = Number(rows.sent);
      const failed = Number(rows.failed);
      return { pending: all - sent - failed, sent, failed };
    },
  };
}
