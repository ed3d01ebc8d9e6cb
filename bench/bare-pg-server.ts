/**
 * The PostgreSQL ceiling: Hono + a `pg` pool doing the same single-row insert as progress ingestion,
 * each its own transaction (autocommit, `synchronous_commit` as the server has it), with no auth, no
 * validation, no middleware. Run as its own process by `BENCH_DB=postgres npm run bench`.
 *
 * Env: DATABASE_URL (a copy of the seeded database), USER_ID (an existing user), DATABASE_POOL_MAX.
 * Prints `bare server listening on http://127.0.0.1:<port>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createPgPool } from '../db/postgres/connection.ts';

const pool = createPgPool(process.env.DATABASE_URL!, { max: Number(process.env.DATABASE_POOL_MAX ?? 10) });
const userId = Number(process.env.USER_ID ?? 1);
const INSERT = {
  name: 'bare-insert',
  text: 'insert into progress_events (client_id, user_id, course_id, module_id, kind, score, occurred_at, received_at) values ($1, $2, $3, $4, $5, null, $6, $7) on conflict (user_id, client_id) do nothing',
};

type Body = { events: { id: string; course: string; module: string; kind: string; at: string }[] };
const app = new Hono();
app.post('/events', async (c) => {
  const e = ((await c.req.json()) as Body).events[0]!;
  const r = await pool.query({
    ...INSERT,
    values: [e.id, userId, e.course, e.module, e.kind, e.at, new Date().toISOString()],
  });
  const stored = r.rowCount ?? 0;
  return c.json({ stored, duplicates: 1 - stored });
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`bare server listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().finally(() => process.exit(0));
});
