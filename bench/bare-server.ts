/**
 * The ceiling: Hono + better-sqlite3 doing the same single-row insert as progress ingestion, with no
 * auth, no validation, no middleware. Run as its own process by the benchmark.
 *
 * Env: DB_FILE (a copy of the seeded database, so the table and its indexes are the same size),
 * DB_SYNCHRONOUS=FULL|NORMAL, GROUP_COMMIT_MS (unset: every insert is its own transaction; a number:
 * inserts share transactions through `db/sqlite/group-commit.ts`), USER_ID (an existing user). Prints
 * `bare server listening on http://127.0.0.1:<port>`.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { openSqlite } from '../db/connection.ts';
import { GroupCommitter } from '../db/sqlite/group-commit.ts';

const sqlite = openSqlite(process.env.DB_FILE!, {
  synchronous: process.env.DB_SYNCHRONOUS === 'NORMAL' ? 'NORMAL' : 'FULL',
});
const userId = Number(process.env.USER_ID ?? 1);
const insert = sqlite.prepare(
  'insert into progress_events (client_id, user_id, course_id, module_id, kind, score, occurred_at, received_at) values (?, ?, ?, ?, ?, null, ?, ?) on conflict (user_id, client_id) do nothing',
);
const writer =
  process.env.GROUP_COMMIT_MS === undefined
    ? null
    : new GroupCommitter(sqlite, { windowMs: Number(process.env.GROUP_COMMIT_MS) });

type Body = { events: { id: string; course: string; module: string; kind: string; at: string }[] };
const app = new Hono();
app.post('/events', async (c) => {
  const e = ((await c.req.json()) as Body).events[0]!;
  const row = () => insert.run(e.id, userId, e.course, e.module, e.kind, e.at, new Date().toISOString()).changes;
  const stored = writer ? await writer.run(row) : row();
  return c.json({ stored, duplicates: 1 - stored });
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(`bare server listening on http://127.0.0.1:${info.port}`);
});
process.on('SIGTERM', () => {
  server.close();
  writer?.flush();
  sqlite.close();
  process.exit(0);
});
