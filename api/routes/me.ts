import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { hashPassword, verifyPassword } from '../auth/password.ts';
import { sessions } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { newPasswordField, passwordField } from './fields.ts';
import { clientIp } from './auth.ts';

export const passwordBody = z.object({ current_password: passwordField, new_password: newPasswordField }).strict();

export function meRoutes() {
  return new Resource('/api/me', 'me')
    .route({ method: 'get', path: '/', summary: 'The signed-in user', access: 'authenticated' }, (c) =>
      c.json({ user: c.get('user') }),
    )
    .route(
      {
        method: 'post',
        path: '/password',
        summary: 'Change password; signs out every other session',
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
        await usersRepo(deps.db).setPassword(me.id, await hashPassword(body.new_password));
        await sessions(deps.db, deps.now).invalidateAllFor(me.id, c.get('sessionId')!);
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
