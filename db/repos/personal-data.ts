/**
 * Everything Oberih holds about one person, collected for an export, and the erasure of it (the
 * admin's privacy routes, api/routes/privacy.ts, say what each means). One place that knows every
 * table with personal data: a new table with a `user_id` belongs in both functions here.
 */
import type { DB } from '../connection.ts';
import { attemptsRepo } from './attempts.ts';
import { auditRepo } from './audit.ts';
import { consultationsRepo } from './consultations.ts';
import { ltiRepo } from './lti.ts';
import { supervisionRepo } from './supervision.ts';

export function personalDataRepo(db: DB) {
  return {
    /** The person's records, each part as the export shows it (the account itself is the caller's). */
    async collect(userId: number) {
      const attempts = await db.selectFrom('attempts').selectAll().where('user_id', '=', userId).execute();
      return {
        cohorts: await db
          .selectFrom('cohort_members')
          .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
          .select(['cohorts.id', 'cohorts.name', 'cohorts.unit', 'cohort_members.joined_at'])
          .where('cohort_members.user_id', '=', userId)
          .execute(),
        cohort_invitations: await db
          .selectFrom('cohort_invitations')
          .innerJoin('cohorts', 'cohorts.id', 'cohort_invitations.cohort_id')
          .select([
            'cohorts.id as cohort_id',
            'cohorts.name',
            'cohort_invitations.created_at',
            'cohort_invitations.accepted_at',
          ])
          .where('cohort_invitations.user_id', '=', userId)
          .execute(),
        progress_events: await db
          .selectFrom('progress_events')
          .select(['client_id', 'course_id', 'module_id', 'kind', 'score', 'occurred_at', 'received_at'])
          .where('user_id', '=', userId)
          .orderBy('occurred_at')
          .execute(),
        attempts: await Promise.all(
          attempts.map(async (a) => ({
            id: a.id,
            course_id: a.course_id,
            content_version: a.content_version,
            started_at: a.started_at,
            submitted_at: a.submitted_at,
            score: a.score,
            passed: a.passed === 1,
            finished_by: a.finished_by,
            late: a.late_status
              ? {
                  status: a.late_status,
                  submitted_at: a.late_submitted_at,
                  device_elapsed_ms: a.late_elapsed_ms,
                  score: a.late_score,
                  responses: JSON.parse(a.late_responses ?? 'null'),
                }
              : null,
            // Answers saved on the server while the attempt was open (issue #18), with their times.
            saved_answers: (await attemptsRepo(db).saves(a.id)).map((r) => ({
              ...r,
              response: JSON.parse(r.response),
            })),
            responses: (
              await db
                .selectFrom('attempt_responses')
                .select(['question_id', 'response', 'score'])
                .where('attempt_id', '=', a.id)
                .execute()
            ).map((r) => ({ ...r, response: JSON.parse(r.response) })),
          })),
        ),
        completions: await db
          .selectFrom('completions')
          .select(['course_id', 'content_version', 'score', 'completed_at'])
          .where('user_id', '=', userId)
          .execute(),
        certificates: await db
          .selectFrom('certificates')
          .select(['code', 'course_id', 'name_printed', 'issued_at', 'expires_at', 'revoked_at'])
          .where('user_id', '=', userId)
          .execute(),
        // Questionnaire answers are anonymous (docs/evaluation.md): only which ones were answered is theirs.
        evaluation: {
          pretests: await db
            .selectFrom('evaluation_pretests')
            .select(['course_id', 'started_at', 'submitted_at', 'score'])
            .where('user_id', '=', userId)
            .execute(),
          answered_reaction: (
            await db.selectFrom('evaluation_reaction_marks').select('course_id').where('user_id', '=', userId).execute()
          ).map((r) => r.course_id),
          answered_follow_up: (
            await db.selectFrom('evaluation_followup_marks').select('course_id').where('user_id', '=', userId).execute()
          ).map((r) => r.course_id),
        },
        emails: await db
          .selectFrom('email_outbox')
          .select(['kind', 'subject', 'created_at', 'sent_at'])
          .where('user_id', '=', userId)
          .execute(),
        sessions: await db
          .selectFrom('sessions')
          .select(['created_at', 'expires_at'])
          .where('user_id', '=', userId)
          .execute(),
        // Consultations (issue #24): what exists, never the text (it is read in the app by its owner);
        // a wellbeing request appears by its id only (docs/consultation.md).
        consultations: (await consultationsRepo(db).mine(userId)).map((r) =>
          r.wellbeing === 1
            ? { id: r.id, confidential: true }
            : {
                id: r.id,
                topic: r.topic,
                urgency: r.urgency,
                oblast: r.oblast,
                status: r.status,
                created_at: r.created_at,
                closed_at: r.closed_at,
                rating: r.rating,
              },
        ),
        supervision_sessions: await supervisionRepo(db).mySignups(userId),
        // Sign-in through a learning platform (LTI, issue #22): which platform knows them by which id.
        lti_links: await ltiRepo(db).linksOfUser(userId),
        security_log: await db
          .selectFrom('audit_log')
          .select(['at', 'event', 'ip'])
          .where((eb) => eb.or([eb('actor_id', '=', userId), eb('target', '=', `user:${userId}`)]))
          .orderBy('at')
          .execute(),
      };
    },
    /**
     * Erase the person's personal data in one transaction; certificates stay verifiable without the
     * name. `by` is the admin who asked, for the audit log.
     */
    erase(userId: number, email: string, now: string, by: { actorId: number; ip: string | null }) {
      return db.transaction().execute(async (trx) => {
        for (const table of [
          'sessions',
          'password_resets',
          'cohort_members',
          'cohort_invitations',
          'progress_events',
          'evaluation_pretests',
          'evaluation_reaction_marks',
          'evaluation_followup_marks',
          'email_outbox',
          'notifications',
          'supervision_signups',
          'supervisor_profiles',
        ] as const)
          await trx.deleteFrom(table).where('user_id', '=', userId).execute();
        // Their consultation requests go whole, messages with them (issue #24).
        await consultationsRepo(trx).deleteForRequester(userId);
        // Their platform links and grade links go, and every queued score with them: an erased
        // person's score must never be sent to the platform later (issue #22).
        await ltiRepo(trx).eraseUser(userId);
        await auditRepo(trx).scrubPerson(userId, email);
        await trx.deleteFrom('attempts').where('user_id', '=', userId).execute(); // responses cascade
        await trx.updateTable('completions').set({ score: null }).where('user_id', '=', userId).execute();
        await trx.updateTable('certificates').set({ name_printed: '' }).where('user_id', '=', userId).execute();
        await trx
          .updateTable('users')
          .set({
            email: `erased-${userId}@erased.invalid`,
            full_name: '',
            password_hash: '!erased',
            active: 0,
            erased_at: now,
          })
          .where('id', '=', userId)
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            at: now,
            actor_id: by.actorId,
            event: 'user.erased',
            target: `user:${userId}`,
            details: null,
            ip: by.ip,
          })
          .execute();
      });
    },
  };
}
