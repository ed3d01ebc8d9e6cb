import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { hashPassword } from '../auth/password.ts';
import { checkPasswordPolicy } from '../auth/password-policy.ts';
import { generateToken, hashToken, sessions } from '../auth/session.ts';
import { passwordResetsRepo } from '../../db/repos/password-resets.ts';
import { resetLink } from './cohorts.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { ResetLink, UserList, UserOne } from './schemas/admin.ts';
import { clientIp } from './auth.ts';
import { emailField, idParam, localeField, nameField, newPasswordField, roleField } from './fields.ts';

export const createUserBody = z
  .object({
    email: emailField,
    full_name: nameField,
    role: roleField,
    password: newPasswordField,
    locale: localeField.default('uk'),
  })
  .strict();
export const updateUserBody = z
  .object({ role: roleField.optional(), active: z.boolean().optional(), full_name: nameField.optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of role, active, full_name');
export const listUsersQuery = z
  .object({
    q: z.string().trim().max(200).optional(),
    role: roleField.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

const ADMIN = ['admin'] as const;
/** An admin's reset link works this long. */
export const RESET_LINK_TTL_MS = 24 * 60 * 60 * 1000;

export function adminUserRoutes() {
  return new Resource('/api/admin/users', 'admin')
    .route(
      {
        method: 'get',
        path: '/',
        summary: 'List and search users',
        access: ADMIN,
        query: listUsersQuery,
        response: UserList,
      },
      async (c, { query }) => {
        return c.json({ users: await usersRepo(c.get('deps').db).list(query) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/',
        response: UserOne,
        status: 201,
        errors: [409],
        summary: 'Create a user (registration is closed: admins or enrolment codes only)',
        access: ADMIN,
        body: createUserBody,
      },
      async (c, { body }) => {
        const { db } = c.get('deps');
        if (await usersRepo(db).byEmail(body.email))
          throw new AppError(409, 'conflict', 'a user with this email exists', { email: 'already registered' });
        checkPasswordPolicy(body.password, body.email, 'password');
        const user = await usersRepo(db).create({
          email: body.email,
          full_name: body.full_name,
          role: body.role,
          locale: body.locale,
          password_hash: await hashPassword(body.password),
        });
        await auditRepo(db).record({
          event: 'user.created',
          actor_id: c.get('user')!.id,
          target: `user:${user.id}`,
          details: { role: user.role },
          ip: clientIp(c),
        });
        const { password_hash: _, totp_secret: _secret, totp_last_step: _step, ...safe } = user;
        return c.json({ user: safe }, 201);
      },
    )
    .route(
      {
        method: 'patch',
        path: '/:id',
        fresh: true,
        response: UserOne,
        errors: [404, 409],
        summary: "Change a user's role, name or active flag",
        access: ADMIN,
        params: idParam,
        body: updateUserBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        const user = await usersRepo(deps.db).byId(params.id);
        if (!user) throw notFound('user');
        if (user.id === me.id && ((body.role && body.role !== 'admin') || body.active === false)) {
          throw new AppError(409, 'conflict', 'you cannot demote or deactivate yourself; ask another admin');
        }
        const ip = clientIp(c);
        if (body.role && body.role !== user.role) {
          await usersRepo(deps.db).setRole(user.id, body.role);
          await auditRepo(deps.db).record({
            event: 'role.changed',
            actor_id: me.id,
            target: `user:${user.id}`,
            details: { from: user.role, to: body.role },
            ip,
          });
        }
        if (body.active !== undefined && body.active !== !!user.active) {
          await usersRepo(deps.db).setActive(user.id, body.active);
          if (!body.active) await sessions(deps.db, deps.now).invalidateAllFor(user.id);
          await auditRepo(deps.db).record({
            event: body.active ? 'user.activated' : 'user.deactivated',
            actor_id: me.id,
            target: `user:${user.id}`,
            ip,
          });
        }
        if (body.full_name && body.full_name !== user.full_name) {
          await usersRepo(deps.db).rename(user.id, body.full_name);
          // The name is printed on every future certificate: who changed it, and from what, is kept.
          await auditRepo(deps.db).record({
            event: 'user.name_changed',
            actor_id: me.id,
            target: `user:${user.id}`,
            details: { from: user.full_name, to: body.full_name },
            ip,
          });
        }
        const updated = (await usersRepo(deps.db).byId(user.id))!;
        const { password_hash: _, totp_secret: _secret, totp_last_step: _step, ...safe } = updated;
        return c.json({ user: safe });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/reset-link',
        fresh: true,
        response: ResetLink,
        status: 201,
        errors: [404, 409],
        summary: 'Create a single-use password reset link (expires in 24 h; shown once, only its hash is stored)',
        access: ADMIN,
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = await usersRepo(deps.db).byId(params.id);
        if (!user) throw notFound('user');
        if (!user.active) throw new AppError(409, 'conflict', 'the account is deactivated; activate it first');
        const token = generateToken();
        const expires_at = new Date(deps.now().getTime() + RESET_LINK_TTL_MS).toISOString();
        await passwordResetsRepo(deps.db).create({ token_hash: hashToken(token), user_id: user.id, expires_at });
        await auditRepo(deps.db).record({
          event: 'password.reset',
          actor_id: c.get('user')!.id,
          target: `user:${user.id}`,
          details: { stage: 'link-created', expires_at },
          ip: clientIp(c),
        });
        return c.json({ url: resetLink(c, user.locale as 'uk' | 'en', token), expires_at }, 201);
      },
    );
}
