import { describe, expect, it } from 'vitest';
import { enqueueEmail, emailOutboxRepo } from '../../../db/repos/email-outbox.ts';
import { createOutboxWorker, retryAt, smtpTransport, type MailTransport } from '../../../api/email/outbox-worker.ts';
import { silentLogger } from '../../../api/log.ts';
import { makeTestApp } from '../../helpers/app.ts';
import { bodyOf, startSmtpServer } from '../../helpers/smtp-server.ts';

const FROM = 'Oberih <noreply@oberih.test>';

function clock(start = '2027-03-01T08:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

async function queue(db: Parameters<typeof enqueueEmail>[0], now: Date, n: number, prefix = 'm') {
  for (let i = 0; i < n; i++)
    await enqueueEmail(
      db,
      {
        to: `learner${i}@test.ua`,
        userId: null,
        kind: 'test',
        locale: 'uk',
        subject: `Тема ${prefix}${i}`,
        text: `Текст листа ${prefix}${i}`,
        dedupeKey: `${prefix}:${i}`,
      },
      now,
    );
}

describe('email outbox worker', () => {
  it('sends due messages over SMTP once, marks them sent, and leaves later ones for later', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    const smtp = await startSmtpServer();
    await queue(deps.db, c.now(), 2);
    await enqueueEmail(
      deps.db,
      {
        to: 'later@test.ua',
        userId: null,
        kind: 'test',
        locale: 'en',
        subject: 'Later',
        text: 'Not yet',
        dedupeKey: 'later',
        sendAfter: new Date(c.now().getTime() + 3600_000).toISOString(),
      },
      c.now(),
    );
    const worker = createOutboxWorker({
      db: deps.db,
      now: c.now,
      log: silentLogger,
      from: FROM,
      transport: smtpTransport(smtp.url, { timeoutMs: 2000 }),
    });
    expect(await worker.runOnce()).toEqual({ sent: 2, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
    const first = smtp.received.find((m) => m.to[0] === '<learner0@test.ua>')!;
    expect(first.data).toMatch(/Message-ID: <outbox-\d+\.[0-9a-f]{16}@oberih\.test>/i);
    expect(bodyOf(first.data)).toContain('Текст листа m0');
    // Nothing more to send: a second pass sends nothing again.
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(smtp.received).toHaveLength(2);
    c.advance(3600_000);
    expect((await worker.runOnce()).sent).toBe(1);
    expect(smtp.received.map((m) => m.to[0])).toContain('<later@test.ua>');
    const rows = await emailOutboxRepo(deps.db).list({ limit: 10 });
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
    await worker.stop();
  });

  it('never sends a message twice with two workers on two connections', async () => {
    const c = clock();
    const first = await makeTestApp({ now: c.now });
    const { deps } = first;
    // A second app (its own connection or pool) on the same database, on either engine.
    const second = (await makeTestApp({ now: c.now, sameDatabaseAs: first })).deps;
    const smtp = await startSmtpServer();
    await queue(deps.db, c.now(), 30);
    // Each send waits a little, so the two workers' claims interleave.
    const slow = (t: MailTransport): MailTransport => ({
      send: async (m) => {
        await new Promise((r) => setTimeout(r, Math.random() * 5));
        await t.send(m);
      },
    });
    const make = (db: typeof deps.db) =>
      createOutboxWorker({
        db,
        now: c.now,
        log: silentLogger,
        from: FROM,
        transport: slow(smtpTransport(smtp.url, { timeoutMs: 2000 })),
      });
    const [a, b] = await Promise.all([make(deps.db).runOnce(), make(second.db).runOnce()]);
    expect(a.sent + b.sent).toBe(30);
    expect(a.sent).toBeGreaterThan(0);
    expect(b.sent).toBeGreaterThan(0);
    const subjects = smtp.received.map((m) => /Subject: (.*)/.exec(m.data)![1]);
    expect(new Set(subjects).size).toBe(30);
    expect(smtp.received).toHaveLength(30);
  });

  it('does not take a row another worker holds until its lease runs out', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    await queue(deps.db, c.now(), 1);
    const repo = emailOutboxRepo(deps.db);
    const [held] = await repo.claimDue(c.now(), 60_000, 5);
    expect(held).toBeDefined();
    expect(await repo.claimDue(c.now(), 60_000, 5)).toEqual([]);
    c.advance(60_001);
    const [again] = await repo.claimDue(c.now(), 60_000, 5);
    expect(again!.id).toBe(held!.id);
    expect(again!.attempts).toBe(2);
    // The first holder's lease is gone: it may no longer mark the row.
    expect(await repo.markSent(held!.id, held!.claimed_until, c.now())).toBe(false);
    expect(await repo.markSent(again!.id, again!.claimed_until, c.now())).toBe(true);
  });

  it('retries a refusing server with exponential back-off, gives up after the last attempt, loses nothing', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    const smtp = await startSmtpServer('refuse');
    await queue(deps.db, c.now(), 1);
    const worker = createOutboxWorker({
      db: deps.db,
      now: c.now,
      log: silentLogger,
      from: FROM,
      maxAttempts: 3,
      backoffMs: 60_000,
      transport: smtpTransport(smtp.url, { timeoutMs: 2000 }),
    });
    const repo = emailOutboxRepo(deps.db);
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 1, failed: 0 });
    let [row] = await repo.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row!.last_error).toMatch(/550/);
    expect(row!.send_after).toBe(new Date(c.now().getTime() + 60_000).toISOString());
    // Not due again before the back-off.
    expect((await worker.runOnce()).retried).toBe(0);
    c.advance(60_000);
    expect((await worker.runOnce()).retried).toBe(1);
    [row] = await repo.list({ limit: 1 });
    expect(row!.send_after).toBe(new Date(c.now().getTime() + 120_000).toISOString());
    c.advance(120_000);
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, failed: 1 });
    [row] = await repo.list({ limit: 1 });
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    // A failed message stays failed (readable in the admin page), even once the server accepts mail.
    smtp.setMode('accept');
    c.advance(86_400_000);
    expect((await worker.runOnce()).sent).toBe(0);
    expect(smtp.received).toHaveLength(0);
    expect(await repo.counts()).toEqual({ pending: 0, sent: 0, failed: 1 });
  });

  it('treats a server that rejects the greeting as a failure to retry', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    const smtp = await startSmtpServer('reject-greeting');
    await queue(deps.db, c.now(), 1);
    const worker = createOutboxWorker({
      db: deps.db,
      now: c.now,
      log: silentLogger,
      from: FROM,
      transport: smtpTransport(smtp.url, { timeoutMs: 2000 }),
    });
    expect((await worker.runOnce()).retried).toBe(1);
    smtp.setMode('accept');
    c.advance(60_000);
    expect((await worker.runOnce()).sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('times out a silent server, keeps the message and sends it when the server answers again', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    const smtp = await startSmtpServer('silent');
    await queue(deps.db, c.now(), 1);
    const worker = createOutboxWorker({
      db: deps.db,
      now: c.now,
      log: silentLogger,
      from: FROM,
      sendTimeoutMs: 1500,
      transport: smtpTransport(smtp.url, { timeoutMs: 300 }),
    });
    const started = Date.now();
    expect((await worker.runOnce()).retried).toBe(1);
    expect(Date.now() - started).toBeLessThan(1500);
    const [row] = await emailOutboxRepo(deps.db).list({ limit: 1 });
    expect(row!.last_error).toMatch(/time|greeting/i);
    expect(row!.status).toBe('pending');
    smtp.setMode('accept');
    c.advance(60_000);
    expect((await worker.runOnce()).sent).toBe(1);
    expect(smtp.received).toHaveLength(1);
  });

  it('without SMTP sends nothing and keeps every message pending', async () => {
    const c = clock();
    const { deps } = await makeTestApp({ now: c.now });
    await queue(deps.db, c.now(), 3);
    const worker = createOutboxWorker({ db: deps.db, now: c.now, log: silentLogger, from: FROM, transport: null });
    expect(await worker.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(await emailOutboxRepo(deps.db).counts()).toEqual({ pending: 3, sent: 0, failed: 0 });
  });

  it('backs off exponentially up to a cap, and gives up at the limit', () => {
    const now = new Date('2027-01-01T00:00:00Z');
    const delays = [1, 2, 3, 4].map((a) => retryAt(now, a, 10, 60_000)!.getTime() - now.getTime());
    expect(delays).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryAt(now, 9, 10, 3600_000)!.getTime() - now.getTime()).toBe(12 * 3600_000);
    expect(retryAt(now, 10, 10, 60_000)).toBeNull();
  });

  it('refuses a lease shorter than a send may take', async () => {
    const { deps } = await makeTestApp();
    expect(() =>
      createOutboxWorker({
        db: deps.db,
        now: deps.now,
        log: silentLogger,
        from: FROM,
        transport: null,
        leaseMs: 1000,
        sendTimeoutMs: 5000,
      }),
    ).toThrow(/lease/);
  });
});
