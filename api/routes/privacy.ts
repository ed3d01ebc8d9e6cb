/**
 * A person's data on request (GDPR-style rights; Ukraine's Law on Personal Data Protection gives the
 * same): an admin can export everything Oberih holds about one person, and erase it. Erasure
 * removes the account's personal data and learning records but keeps issued certificates
 * verifiable: the register then says "issued" for the code, course and dates, without the name.
 */
import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { personalDataRepo } from '../../db/repos/personal-data.ts';
import { usersRepo } from '../../db/repos/users.ts';
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
        const data = {
          exported_at: c.get('deps').now().toISOString(),
          account,
          ...(await personalDataRepo(db).collect(user.id)),
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
        await personalDataRepo(deps.db).erase(user.id, user.email, now, {
          actorId: c.get('user')!.id,
          ip: clientIp(c),
        });
        return c.json({ erased: true, user: user.id });
      },
    );
}
