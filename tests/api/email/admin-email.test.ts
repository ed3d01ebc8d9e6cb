/** The admin outbox page's API: every message readable with its status, for admins only. */
import { describe, expect, it } from 'vitest';
import { enqueueEmail } from '../../../db/repos/email-outbox.ts';
import { makeTestApp } from '../../helpers/app.ts';

describe('GET /api/admin/email', () => {
  it('lists queued messages with their text and status when no SMTP is configured', async () => {
    const t = await makeTestApp();
    const now = t.deps.now();
    for (const i of [1, 2])
      await enqueueEmail(
        t.deps.db,
        {
          to: `l${i}@test.ua`,
          userId: null,
          kind: 'test',
          locale: 'uk',
          subject: `Тема ${i}`,
          text: `Текст ${i}`,
          dedupeKey: `k${i}`,
        },
        now,
      );
    await t.deps.db
      .updateTable('email_outbox')
      .set({ failed_at: now.toISOString(), last_error: '550 no' })
      .where('dedupe_key', '=', 'k2')
      .execute();
    const admin = await t.userWithSession('admin');
    const res = await t.request('/api/admin/email', { cookie: admin.cookie });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.smtp).toBe(false);
    expect(body.counts).toEqual({ pending: 1, sent: 0, failed: 1 });
    expect(body.messages.map((m: { status: string }) => m.status).sort()).toEqual(['failed', 'pending']);
    expect(body.messages.find((m: { subject: string }) => m.subject === 'Тема 1').body_text).toBe('Текст 1');
    const failed = await (await t.request('/api/admin/email?status=failed', { cookie: admin.cookie })).json();
    expect(failed.messages).toHaveLength(1);
    expect(failed.messages[0].last_error).toBe('550 no');
    expect((await t.request('/api/admin/email?status=lost', { cookie: admin.cookie })).status).toBe(400);
    const instructor = await t.userWithSession('instructor');
    expect((await t.request('/api/admin/email', { cookie: instructor.cookie })).status).toBe(403);
  });
});
