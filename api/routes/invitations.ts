/**
 * A learner's invitations into cohorts. An instructor's CSV import invites existing accounts instead
 * of adding them; the learner, signed in, sees who invited them and accepts. Only from that moment
 * does the instructor see the learner's records for the cohort's courses (api/access.ts).
 */
import { auditRepo } from '../../db/repos/audit.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { LEARNER_ROLES } from '../../db/schema.ts';
import { notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { InvitationAccepted, InvitationList } from './schemas/cohorts.ts';
import { clientIp } from './auth.ts';
import { idParam } from './fields.ts';

export function invitationRoutes() {
  return new Resource('/api/me/invitations', 'cohorts')
    .route(
      {
        method: 'get',
        path: '/',
        response: InvitationList,
        summary: 'My open invitations into cohorts (cohort, unit, the instructor who invited me)',
        access: 'authenticated',
      },
      async (c) => c.json({ invitations: await cohortsRepo(c.get('deps').db).invitationsFor(c.get('user')!.id) }),
    )
    .route(
      {
        method: 'post',
        path: '/:id/accept',
        response: InvitationAccepted,
        errors: [404],
        summary: 'Accept my invitation: I join the cohort from now on and its instructor sees my work in it',
        access: LEARNER_ROLES,
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const cohortId = await cohortsRepo(deps.db).acceptInvitation(user.id, params.id, deps.now().toISOString());
        // Someone else's invitation answers like a missing one.
        if (cohortId === null) throw notFound('open invitation');
        await auditRepo(deps.db).record({
          event: 'cohort.invitation_accepted',
          actor_id: user.id,
          target: `cohort:${cohortId}`,
          ip: clientIp(c),
        });
        return c.json({ ok: true, cohort_id: cohortId });
      },
    );
}
