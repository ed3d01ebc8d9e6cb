/**
 * Admin: the email outbox (docs/email.md). Every message the platform queued, with its status (pending,
 * sent, failed), attempts and last error — and its text, so that without SMTP (`SMTP_URL` unset) an
 * admin can still read and pass on what would have been sent.
 */
import { z } from 'zod';
import { emailOutboxRepo } from '../../db/repos/email-outbox.ts';
import { Resource } from '../route.ts';

const PAGE = 50;

const messageSchema = z.object({
  id: z.number(),
  to_address: z.string(),
  kind: z.string(),
  locale: z.enum(['uk', 'en']),
  subject: z.string(),
  body_text: z.string(),
  created_at: z.string(),
  send_after: z.string(),
  attempts: z.number(),
  last_error: z.string().nullable(),
  sent_at: z.string().nullable(),
  failed_at: z.string().nullable(),
  status: z.enum(['pending', 'sent', 'failed']),
});

export function adminEmailRoutes() {
  return new Resource('/api/admin/email', 'admin').route(
    {
      method: 'get',
      path: '/',
      summary: 'The email outbox: queued, sent and failed messages with their text, newest first',
      access: ['admin'],
      query: z
        .object({
          status: z.enum(['pending', 'sent', 'failed']).optional(),
          page: z.coerce.number().int().min(1).max(10_000).default(1),
        })
        .strict(),
      response: z.object({
        smtp: z.boolean(),
        counts: z.object({ pending: z.number(), sent: z.number(), failed: z.number() }),
        page: z.number(),
        page_size: z.number(),
        messages: z.array(messageSchema),
      }),
    },
    async (c, { query }) => {
      const deps = c.get('deps');
      const repo = emailOutboxRepo(deps.db);
      const [counts, messages] = await Promise.all([
        repo.counts(),
        repo.list({ status: query.status, limit: PAGE, offset: (query.page - 1) * PAGE }),
      ]);
      return c.json({ smtp: !!deps.config.smtp, counts, page: query.page, page_size: PAGE, messages });
    },
  );
}
