import type SQLite from 'better-sqlite3';
import type { DB } from '../connection.ts';
import { runCompiled, type GroupCommitter } from '../group-commit.ts';

export interface StoredDraw {
  id: string;
  order: string[];
}

export function attemptsRepo(db: DB) {
  return {
    byId: (id: string) => db.selectFrom('attempts').selectAll().where('id', '=', id).executeTakeFirst(),
    forUser: (userId: number, courseId: string) =>
      db
        .selectFrom('attempts')
        .selectAll()
        .where('user_id', '=', userId)
        .where('course_id', '=', courseId)
        .orderBy('started_at')
        .execute(),
    create: (a: {
      id: string;
      user_id: number;
      course_id: string;
      content_version: string;
      locale: 'uk' | 'en';
      questions: StoredDraw[];
      started_at: string;
      deadline_at: string | null;
    }) =>
      db
        .insertInto('attempts')
        .values({ ...a, questions: JSON.stringify(a.questions) })
        .execute(),
    responses: (attemptId: string) =>
      db.selectFrom('attempt_responses').selectAll().where('attempt_id', '=', attemptId).execute(),
    /**
     * Store every response and the result in one durable transaction (shared with other writers by
     * group commit). Returns false when the attempt was already submitted (a concurrent double submit).
     */
    submit(
      sqlite: SQLite.Database,
      writer: GroupCommitter,
      s: {
        id: string;
        submitted_at: string;
        score: number;
        passed: boolean;
        responses: { question_id: string; response: string; score: number }[];
      },
    ): Promise<boolean> {
      return writer.run(() => {
        const done = runCompiled(
          sqlite,
          db
            .updateTable('attempts')
            .set({ submitted_at: s.submitted_at, score: s.score, passed: s.passed ? 1 : 0 })
            .where('id', '=', s.id)
            .where('submitted_at', 'is', null)
            .compile(),
        );
        if (done.changes !== 1) return false;
        for (const r of s.responses)
          runCompiled(
            sqlite,
            db
              .insertInto('attempt_responses')
              .values({ attempt_id: s.id, ...r })
              .compile(),
          );
        return true;
      });
    },
  };
}
