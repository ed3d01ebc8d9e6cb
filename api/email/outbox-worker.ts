/**
 * The email outbox worker: claims due rows of `email_outbox` under a lease, sends each through the
 * transport (SMTP via nodemailer when `SMTP_URL` is set), marks it sent, and on failure retries with
 * exponential back-off until it gives up (`failed_at`). Without a transport it does nothing: the
 * messages stay in the table, readable with their status in the admin pages (`/uk/admin/email/`).
 *
 * Never twice: a row is sent only by the worker holding its lease (db/repos/email-outbox.ts claims by
 * compare-and-set), one row per claim, and a send's every timeout together is shorter than the lease, so
 * a lease cannot run out while its message is on the wire. The one window left is a crash after the SMTP
 * server accepted the message and before the UPDATE that marks it sent; the row then comes back after
 * its lease, and its stable Message-ID (`<outbox-<id>.<dedupe hash>@host>`) lets the receiving server drop
 * the copy. Retrying is what makes "nothing lost" hold when a server refuses or times out.
 */
import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { emailOutboxRepo } from '../../db/repos/email-outbox.ts';
import type { Logger } from '../log.ts';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  /** Stable per outbox row, so a receiving server can recognise a repeat. */
  messageId: string;
}

/** Something that delivers one message or throws (refused, timed out, unreachable). */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close?(): void;
}

export interface SmtpOptions {
  /** Each of connect, greeting and socket inactivity, ms. @defaultValue 10 000 */
  timeoutMs?: number;
}

/** SMTP through nodemailer from `SMTP_URL` (`smtp://user:pass@host:587`, `smtps://…:465`). */
export function smtpTransport(url: string, opts: SmtpOptions = {}): MailTransport {
  const timeout = opts.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(mail) {
      await transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
      });
    },
    close: () => transport.close(),
  };
}

export interface OutboxWorkerOptions {
  db: Kysely<Database>;
  now: () => Date;
  log: Logger;
  /** null: no SMTP configured — the worker sends nothing and messages wait in the admin pages. */
  transport: MailTransport | null;
  /** The sender address (`EMAIL_FROM`). */
  from: string;
  /** How long a claim lasts; must exceed the longest a send can take. @defaultValue 120 000 */
  leaseMs?: number;
  /** The longest one send may take (the transport's timeouts add up to less). @defaultValue 40 000 */
  sendTimeoutMs?: number;
  /** Attempts before giving up (`EMAIL_MAX_ATTEMPTS`). @defaultValue 6 */
  maxAttempts?: number;
  /** First retry delay; doubles each attempt, capped at 12 hours. @defaultValue 60 000 */
  backoffMs?: number;
  /** Most messages one run sends. @defaultValue 50 */
  batch?: number;
}

export interface RunResult {
  sent: number;
  retried: number;
  failed: number;
}

const MAX_BACKOFF_MS = 12 * 60 * 60 * 1000;

/** When to try again after `attempts` failed attempts, or null when it is time to give up. */
export function retryAt(now: Date, attempts: number, maxAttempts: number, backoffMs: number): Date | null {
  if (attempts >= maxAttempts) return null;
  return new Date(now.getTime() + Math.min(MAX_BACKOFF_MS, backoffMs * 2 ** (attempts - 1)));
}

/** The Message-ID of an outbox row: the same on every attempt. */
export function messageIdOf(id: number, dedupeKey: string, from: string): string {
  const host = /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'oberih.local';
  const hash = createHash('sha256').update(dedupeKey).digest('hex').slice(0, 16);
  return `<outbox-${id}.${hash}@${host}>`;
}

export function createOutboxWorker(opts: OutboxWorkerOptions) {
  const leaseMs = opts.leaseMs ?? 120_000;
  const sendTimeoutMs = opts.sendTimeoutMs ?? 40_000;
  if (sendTimeoutMs >= leaseMs) throw new Error('the outbox lease must be longer than the send timeout');
  const maxAttempts = opts.maxAttempts ?? 6;
  const backoffMs = opts.backoffMs ?? 60_000;
  const batch = opts.batch ?? 50;
  const repo = emailOutboxRepo(opts.db);
  let running: Promise<RunResult> | null = null;
  let timer: NodeJS.Timeout | null = null;

  async function sendWithin(mail: OutgoingMail): Promise<void> {
    let t: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      t = setTimeout(() => reject(new Error(`send took longer than ${sendTimeoutMs} ms`)), sendTimeoutMs);
    });
    try {
      await Promise.race([opts.transport!.send(mail), limit]);
    } finally {
      clearTimeout(t);
    }
  }

  async function run(): Promise<RunResult> {
    const result: RunResult = { sent: 0, retried: 0, failed: 0 };
    if (!opts.transport) return result;
    for (let i = 0; i < batch; i++) {
      // One row per claim: each lease starts when its own send does.
      const [row] = await repo.claimDue(opts.now(), leaseMs, 1);
      if (!row) break;
      try {
        await sendWithin({
          from: opts.from,
          to: row.to_address,
          subject: row.subject,
          text: row.body_text,
          messageId: messageIdOf(row.id, row.dedupe_key, opts.from),
        });
      } catch (e) {
        const error = (e as Error).message || String(e);
        const at = retryAt(opts.now(), row.attempts, maxAttempts, backoffMs);
        await repo.markFailed(row.id, row.claimed_until, opts.now(), error, at);
        if (at) result.retried++;
        else result.failed++;
        opts.log.warn(at ? 'email send failed, will retry' : 'email send failed, giving up', {
          id: row.id,
          kind: row.kind,
          attempts: row.attempts,
          error: error.slice(0, 200),
        });
        continue;
      }
      if (await repo.markSent(row.id, row.claimed_until, opts.now())) result.sent++;
      else opts.log.error('email sent after its lease ran out', { id: row.id });
    }
    return result;
  }

  return {
    /** One pass over the due messages; overlapping calls share the pass in progress. */
    runOnce(): Promise<RunResult> {
      running ??= run().finally(() => (running = null));
      return running;
    },
    /** Poll every `intervalMs` until `stop()`. */
    start(intervalMs = 30_000) {
      if (!opts.transport || timer) return;
      timer = setInterval(() => {
        this.runOnce().catch((e: Error) => opts.log.error('outbox worker failed', { error: e.message }));
      }, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
      opts.transport?.close?.();
    },
  };
}

export type OutboxWorker = ReturnType<typeof createOutboxWorker>;
