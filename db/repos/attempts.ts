import type { DB } from '../connection.ts';
import type { Storage } from '../storage.ts';

/** A drawn question as stored: id, option order and (attempts with opaque ids) the id maps (`courses/attempt-ids.ts`). */
export interface StoredDraw {
  id: string;
  order: string[];
  ids?: Record<string, string>;
  prompts?: Record<string, string>;
}

export interface ScoredResponse {
  question_id: string;
  response: string;
  score: number;
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
    /** Answers saved while the attempt is open, with the server time of each question's last save. */
    saves: (attemptId: string) =>
      db
        .selectFrom('attempt_saves')
        .select(['question_id', 'response', 'saved_at'])
        .where('attempt_id', '=', attemptId)
        .orderBy('saved_at')
        .execute(),
    /** Save answers (null clears one): last write wins per question, so a retried save changes nothing. */
    saveAnswers: (attemptId: string, answers: { question_id: string; response: string | null }[], savedAt: string) =>
      db.transaction().execute(async (trx) => {
        for (const a of answers) {
          if (a.response === null)
            await trx
              .deleteFrom('attempt_saves')
              .where('attempt_id', '=', attemptId)
              .where('question_id', '=', a.question_id)
              .execute();
          else
            await trx
              .insertInto('attempt_saves')
              .values({ attempt_id: attemptId, question_id: a.question_id, response: a.response, saved_at: savedAt })
              .onConflict((oc) =>
                oc.columns(['attempt_id', 'question_id']).doUpdateSet({ response: a.response!, saved_at: savedAt }),
              )
              .execute();
        }
      }),
    /**
     * Store every response and the result in one durable transaction (shared with other writers by
     * group commit). Returns false when the attempt was already submitted (a concurrent double submit).
     */
    submit(
      storage: Pick<Storage, 'write'>,
      s: {
        id: string;
        submitted_at: string;
        score: number;
        passed: boolean;
        finished_by?: 'learner' | 'deadline';
        responses: ScoredResponse[];
      },
    ): Promise<boolean> {
      // Built and compiled before the job: SQLite's group commit runs its jobs synchronously in one batch,
      // so whatever a job does delays every other writer in that batch (issue #26: the submit's tail).
      // Submit-once: only the update that finds the attempt still open changes a row; a concurrent
      // second submit (another request, another instance) changes none and stores nothing.
      const update = db
        .updateTable('attempts')
        .set({
          submitted_at: s.submitted_at,
          score: s.score,
          passed: s.passed ? 1 : 0,
          finished_by: s.finished_by ?? 'learner',
        })
        .where('id', '=', s.id)
        .where('submitted_at', 'is', null)
        .compile();
      // Every response in one statement (one round trip on PostgreSQL; prepared once per row count on SQLite).
      const insert = s.responses.length
        ? db
            .insertInto('attempt_responses')
            .values(s.responses.map((r) => ({ attempt_id: s.id, ...r })))
            .compile()
        : null;
      return storage.write(function* () {
        const done = yield update;
        if (done.changes !== 1) return false;
        if (insert) yield insert;
        return true;
      });
    },
    /** Keep a submission that arrived after the deadline, pending review; false when one is already kept. */
    async recordLate(l: {
      id: string;
      submitted_at: string;
      elapsed_ms: number | null;
      responses: string;
      score: number;
    }): Promise<boolean> {
      const r = await db
        .updateTable('attempts')
        .set({
          late_status: 'pending',
          late_submitted_at: l.submitted_at,
          late_elapsed_ms: l.elapsed_ms,
          late_responses: l.responses,
          late_score: l.score,
        })
        .where('id', '=', l.id)
        .where('finished_by', '=', 'deadline')
        .where('late_status', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Pending late submissions of learners in cohorts `instructorId` owns (the review queue). */
    pendingLate: (instructorId: number) =>
      db
        .selectFrom('attempts')
        .innerJoin('users', 'users.id', 'attempts.user_id')
        .select([
          'attempts.id',
          'attempts.user_id',
          'users.full_name',
          'users.email',
          'attempts.course_id',
          'attempts.started_at',
          'attempts.deadline_at',
          'attempts.score',
          'attempts.late_submitted_at',
          'attempts.late_elapsed_ms',
          'attempts.late_score',
        ])
        .where('attempts.late_status', '=', 'pending')
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('cohort_members')
              .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
              .select('cohorts.id')
              .innerJoin('cohort_courses', 'cohort_courses.cohort_id', 'cohorts.id')
              .whereRef('cohort_members.user_id', '=', 'attempts.user_id')
              .where('cohorts.owner_id', '=', instructorId)
              // The same scope as every other view of a learner's record (api/access.ts).
              .where('cohorts.archived_at', 'is', null)
              .whereRef('cohort_courses.course_id', '=', 'attempts.course_id')
              .whereRef('cohort_members.joined_at', '<=', 'attempts.started_at')
              .whereRef('cohort_courses.assigned_at', '<=', 'attempts.started_at'),
          ),
        )
        .orderBy('attempts.late_submitted_at')
        .execute(),
    /**
     * Decide a pending late submission. Accepting makes it the attempt's result (its responses replace
     * the ones scored at the deadline). Returns false when it was not pending (decided concurrently).
     */
    decideLate: (d: {
      id: string;
      accept: boolean;
      reviewer: number;
      at: string;
      passed?: boolean;
      responses?: ScoredResponse[];
    }) =>
      db.transaction().execute(async (trx) => {
        const base = {
          late_status: d.accept ? ('accepted' as const) : ('rejected' as const),
          late_reviewed_by: d.reviewer,
          late_reviewed_at: d.at,
        };
        const row = await trx
          .updateTable('attempts')
          .set(base)
          .where('id', '=', d.id)
          .where('late_status', '=', 'pending')
          .returning(['late_score'])
          .executeTakeFirst();
        if (!row) return false;
        if (!d.accept) return true;
        await trx
          .updateTable('attempts')
          .set({ score: row.late_score, passed: d.passed ? 1 : 0 })
          .where('id', '=', d.id)
          .execute();
        await trx.deleteFrom('attempt_responses').where('attempt_id', '=', d.id).execute();
        for (const r of d.responses ?? [])
          await trx
            .insertInto('attempt_responses')
            .values({ attempt_id: d.id, ...r })
            .execute();
        return true;
      }),
  };
}
