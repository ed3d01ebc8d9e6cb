import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import { runCompiled, type GroupCommitter } from '../group-commit.ts';
import type { ModuleActivity } from '../../courses/completion.ts';
import type SQLite from 'better-sqlite3';

export interface IncomingEvent {
  client_id: string;
  course_id: string;
  module_id: string;
  kind: 'viewed' | 'completed' | 'practice';
  score: number | null;
  occurred_at: string;
}

export function progressRepo(db: DB, sqlite?: SQLite.Database, writer?: GroupCommitter) {
  return {
    /**
     * Store a batch of events durably, each exactly once per (user, client id): retries are
     * counted as duplicates, never stored twice. Resolves after the commit is on disk.
     */
    record(userId: number, events: IncomingEvent[], receivedAt: string): Promise<{ stored: number; duplicates: number }> {
      if (!sqlite || !writer) throw new Error('progressRepo.record needs the raw connection and the group committer');
      // One multi-row statement per batch (compiled before the batch waits for its commit): a row
      // that conflicts is skipped alone, so `changes` is the number of events stored.
      const q = db
        .insertInto('progress_events')
        .values(events.map((e) => ({ ...e, user_id: userId, received_at: receivedAt })))
        .onConflict((oc) => oc.columns(['user_id', 'client_id']).doNothing())
        .compile();
      return writer.run(() => {
        const stored = runCompiled(sqlite, q).changes;
        return { stored, duplicates: events.length - stored };
      });
    },
    /** Per-module activity of one user, for every course (or one). */
    async activity(userId: number, courseId?: string): Promise<(ModuleActivity & { course_id: string })[]> {
      let q = db
        .selectFrom('progress_events')
        .select([
          'course_id',
          'module_id',
          sql<string | null>`max(case when kind = 'viewed' then occurred_at end)`.as('viewed_at'),
          sql<string | null>`min(case when kind = 'completed' then occurred_at end)`.as('completed_at'),
          sql<number | null>`max(case when kind = 'practice' then score end)`.as('practice_best'),
        ])
        .where('user_id', '=', userId)
        .groupBy(['course_id', 'module_id']);
      if (courseId) q = q.where('course_id', '=', courseId);
      return q.execute();
    },
    countFor: (userId: number) =>
      db.selectFrom('progress_events').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  };
}
