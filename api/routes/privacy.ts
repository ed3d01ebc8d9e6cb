/**
 * A person's data on request (GDPR-style rights; Ukraine's Law on Personal Data Protection gives the
 * same): an admin can export everything Oberih holds about one person, and erase it. Erasure
 * removes the account's personal data and learning records but keeps issued certificates
 * verifiable: the register then says "issued" for the code, course and dates, without the name.
 */
import { attemptsRepo } from '../../db/repos/attempts.ts';
import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { ltiRepo } from '../../db/repos/lti.ts';
import { consultationsRepo } from '../../db/repos/consultations.ts';
import { supervisionRepo } from '../../db/repos/supervision.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { Erased, PersonExport } from './schemas/admin.ts';
import { clientIp } from './auth.ts';
import { idParam } from './fields.ts';

const ADMIN = ['admin'] as const;
export const eraseBody = z.object({ confirm_email: z.string().trim().toLowerCase().max(254) }).strict();

export function privacyRoutes() {
  return new Resource('/api/admin/users', 'privacy')
    .route(
      {
        method: 'get',
        path: '/:id/export',
        response: PersonExport,
        errors: [404],
        summary: 'Everything held about one person, as a JSON download',
        access: ADMIN,
        params: idParam,
      },
      async (c, { params }) => {
        const { db } = c.get('deps');
        const user = await usersRepo(db).byId(params.id);
        if (!user) throw notFound('user');
        const { password_hash: _, totp_secret: _secret, totp_last_step: _step, ...account } = user;
        const attempts = await db.selectFrom('attempts').selectAll().where('user_id', '=', user.id).execute();
        const data = {
          exported_at: c.get('deps').now().toISOString(),
          account,
          cohorts: await db
            .selectFrom('cohort_members')
            .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
            .select(['cohorts.id', 'cohorts.name', 'cohorts.unit', 'cohort_members.joined_at'])
            .where('cohort_members.user_id', '=', user.id)
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
            .where('cohort_invitations.user_id', '=', user.id)
            .execute(),
          progress_events: await db
            .selectFrom('progress_events')
            .select(['client_id', 'course_id', 'module_id', 'kind', 'score', 'occurred_at', 'received_at'])
            .where('user_id', '=', user.id)
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
            .where('user_id', '=', user.id)
            .execute(),
          certificates: await db
            .selectFrom('certificates')
            .select(['code', 'course_id', 'name_printed', 'issued_at', 'expires_at', 'revoked_at'])
            .where('user_id', '=', user.id)
            .execute(),
          // Questionnaire answers are anonymous (docs/evaluation.md): only which ones were answered is theirs.
          evaluation: {
            pretests: await db
              .selectFrom('evaluation_pretests')
              .select(['course_id', 'started_at', 'submitted_at', 'score'])
              .where('user_id', '=', user.id)
              .execute(),
            answered_reaction: (
              await db
                .selectFrom('evaluation_reaction_marks')
                .select('course_id')
                .where('user_id', '=', user.id)
                .execute()
            ).map((r) => r.course_id),
            answered_follow_up: (
              await db
                .selectFrom('evaluation_followup_marks')
                .select('course_id')
                .where('user_id', '=', user.id)
                .execute()
            ).map((r) => r.course_id),
          },
          emails: await db
            .selectFrom('email_outbox')
            .select(['kind', 'subject', 'created_at', 'sent_at'])
            .where('user_id', '=', user.id)
            .execute(),
          sessions: await db
            .selectFrom('sessions')
            .select(['created_at', 'expires_at'])
            .where('user_id', '=', user.id)
            .execute(),
          // Consultations (issue #24): what exists, never the text (it is read in the app by its owner);
          // a wellbeing request appears by its id only (docs/consultation.md).
          consultations: (await consultationsRepo(db).mine(user.id)).map((r) =>
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
          supervision_sessions: await supervisionRepo(db).mySignups(user.id),
          // Sign-in through a learning platform (LTI, issue #22): which platform knows them by which id.
          lti_links: await ltiRepo(db).linksOfUser(user.id),
          security_log: await db
            .selectFrom('audit_log')
            .select(['at', 'event', 'ip'])
            .where((eb) => eb.or([eb('actor_id', '=', user.id), eb('target', '=', `user:${user.id}`)]))
            .orderBy('at')
            .execute(),
        };
        await auditRepo(db).record({
          event: 'user.exported',
          actor_id: c.get('user')!.id,
          target: `user:${user.id}`,
          ip: clientIp(c),
        });
        return c.json(data, 200, { 'Content-Disposition': `attachment; filename="oberih-user-${user.id}.json"` });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/erase',
        fresh: true,
        response: Erased,
        errors: [404, 409],
        summary:
          "Erase one person's personal data (type their email to confirm); certificates stay verifiable without the name",
        access: ADMIN,
        params: idParam,
        body: eraseBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = await usersRepo(deps.db).byId(params.id);
        if (!user) throw notFound('user');
        if (user.erased_at) throw new AppError(409, 'conflict', "this person's data was already erased");
        if (user.id === c.get('user')!.id)
          throw new AppError(409, 'conflict', 'you cannot erase your own account; ask another admin');
        if (body.confirm_email !== user.email)
          throw new AppError(400, 'validation_failed', "type the person's email exactly to confirm", {
            confirm_email: 'does not match',
          });
        const now = deps.now().toISOString();
        await deps.db.transaction().execute(async (trx) => {
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
            await trx.deleteFrom(table).where('user_id', '=', user.id).execute();
          // Their consultation requests go whole, messages with them (issue #24).
          await consultationsRepo(trx).deleteForRequester(user.id);
          // Their platform links and grade links go, and every queued score with them: an erased
          // person's score must never be sent to the platform later (issue #22).
          await ltiRepo(trx).eraseUser(user.id);
          await auditRepo(trx).scrubPerson(user.id, user.email);
          await trx.deleteFrom('attempts').where('user_id', '=', user.id).execute(); // responses cascade
          await trx.updateTable('completions').set({ score: null }).where('user_id', '=', user.id).execute();
          await trx.updateTable('certificates').set({ name_printed: '' }).where('user_id', '=', user.id).execute();
          await trx
            .updateTable('users')
            .set({
              email: `erased-${user.id}@erased.invalid`,
              full_name: '',
              password_hash: '!erased',
              active: 0,
              erased_at: now,
            })
            .where('id', '=', user.id)
            .execute();
          await trx
            .insertInto('audit_log')
            .values({
              at: now,
              actor_id: c.get('user')!.id,
              event: 'user.erased',
              target: `user:${user.id}`,
              details: null,
              ip: clientIp(c),
            })
            .execute();
        });
        return c.json({ erased: true, user: user.id });
      },
    );
}
