import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { sessions } from '../auth/session.ts';
import { checkPasswordPolicy } from '../auth/password-policy.ts';
import { passwordResetsRepo } from '../../db/repos/password-resets.ts';
import { writeSessionCookie } from '../middleware/session.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { Me } from './schemas/auth.ts';
import { Ok } from './schemas/common.ts';
import { newPasswordField, passwordField } from './fields.ts';
import { clientIp } from './auth.ts';

export const passwordBody = z.object({ current_password: passwordField, new_password: newPasswordField }).strict();

export function meRoutes() {
  return new Resource('/api/me', 'me')
    .route({ method: 'get', path: '/', summary: 'The signed-in user', access: 'authenticated', response: Me }, (c) =>
      c.json({ user: c.get('user') }),
    )
    .route(
      {
        method: 'post',
        path: '/password',
        response: Ok,
        summary: 'Change password; signs out every session, gives this one a new token and expires open reset links',
        access: 'authenticated',
        body: passwordBody,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        const user = (await usersRepo(deps.db).byId(me.id))!;
        if (!(await verifyPassword(user.password_hash, body.current_password))) {
          throw new AppError(400, 'validation_failed', 'the current password is wrong', {
            current_password: 'wrong password',
          });
        }
        checkPasswordPolicy(body.new_password, me.email, 'new_password');
        await usersRepo(deps.db).setPassword(me.id, await hashPassword(body.new_password));
        // ASVS 7.4.3/6.4.x: a leaked reset or set-up link, or a stolen session (this one included: it gets
        // a new token), stops working once the password changes.
        await passwordResetsRepo(deps.db).expireOthers(me.id, deps.now().toISOString());
        await sessions(deps.db, deps.now).invalidateAllFor(me.id);
        const { token, expiresAt } = await sessions(deps.db, deps.now).create(me.id, me.role);
        writeSessionCookie(c, token, expiresAt);
        await auditRepo(deps.db).record({
          event: 'password.changed',
          actor_id: me.id,
          target: `user:${me.id}`,
          ip: clientIp(c),
        });
        return c.json({ ok: true });
      },
    );
}
