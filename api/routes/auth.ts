import { z } from 'zod';
import { hashCode } from '../../db/enrolment-code.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.ts';
import { hashToken, sessions } from '../auth/session.ts';
import { passwordResetsRepo } from '../../db/repos/password-resets.ts';
import { AppError } from '../errors.ts';
import { clearSessionCookie, writeSessionCookie } from '../middleware/session.ts';
import { Resource } from '../route.ts';
import { emailField, nameField, newPasswordField, passwordField } from './fields.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';

export const loginBody = z
  .object({
    email: z.string().trim().toLowerCase().min(1, 'required').max(254, 'at most 254 characters'),
    password: passwordField,
  })
  .strict();
export const redeemBody = z
  .object({
    code: z.string().trim().min(8, 'at least 8 characters').max(64, 'at most 64 characters'),
    full_name: nameField,
    email: emailField,
    password: newPasswordField,
    locale: z.enum(['uk', 'en']).default('uk'),
  })
  .strict();

export const resetBody = z
  .object({
    token: z.string().trim().min(16, 'at least 16 characters').max(128, 'at most 128 characters'),
    new_password: newPasswordField,
  })
  .strict();

/**
 * The client's address for rate limits and the audit log. X-Forwarded-For is believed only when the
 * server is configured to sit behind a proxy (TRUST_PROXY=1), and then only its last hop — the one
 * the proxy itself added; anything a client writes there itself is ignored.
 */
export const clientIp = (c: Context<AppEnv>) => {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket
    ?.remoteAddress;
  if (c.get('deps').config.trustProxy) {
    const hops = c.req
      .header('x-forwarded-for')
      ?.split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    if (hops?.length) return hops.at(-1)!;
  }
  return socket || 'unknown';
};

const INVALID_REDEEM =
  'this enrolment code cannot be used with this email (the code may be unknown, expired, revoked or full; if you already have an account, sign in instead)';

async function startSession(c: Context<AppEnv>, userId: number) {
  const deps = c.get('deps');
  // A new token at every login: a token planted before login (session fixation) is never promoted.
  const old = c.get('sessionId');
  if (old) await sessions(deps.db, deps.now).invalidate(old);
  const { token, expiresAt } = await sessions(deps.db, deps.now).create(userId);
  writeSessionCookie(c, token, expiresAt);
}

export function authRoutes() {
  return new Resource('/api/auth', 'auth')
    .route(
      {
        method: 'post',
        path: '/login',
        summary: 'Sign in with email and password; sets the session cookie',
        access: 'public',
        body: loginBody,
      },
      async (c, { body }) => {
        const { db, limits, log } = c.get('deps');
        const ip = clientIp(c);
        const wait = Math.max(limits.loginByAccount.retryAfter(body.email), limits.loginByIp.retryAfter(ip));
        if (wait > 0) {
          await auditRepo(db).record({ event: 'login.limited', target: body.email, ip });
          throw new AppError(429, 'rate_limited', `too many failed sign-ins; try again in ${wait} s`, undefined, {
            'Retry-After': String(wait),
          });
        }
        const user = await usersRepo(db).byEmail(body.email);
        // Verify against a dummy hash when there is no such user, so timing does not reveal which emails exist.
        const ok = await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password);
        if (!user || !ok || !user.active) {
          limits.loginByAccount.hit(body.email);
          limits.loginByIp.hit(ip);
          await auditRepo(db).record({ event: 'login.failed', target: body.email, actor_id: user?.id ?? null, ip });
          log.info('login failed', { ip });
          throw new AppError(401, 'invalid_credentials', 'wrong email or password');
        }
        limits.loginByAccount.reset(body.email);
        await startSession(c, user.id);
        await auditRepo(db).record({ event: 'login.ok', actor_id: user.id, ip });
        return c.json({
          user: { id: user.id, email: user.email, full_name: user.full_name, role: user.role, locale: user.locale },
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/logout',
        summary: 'Sign out: deletes the session on the server and the cookie',
        access: 'authenticated',
      },
      async (c) => {
        const deps = c.get('deps');
        await sessions(deps.db, deps.now).invalidate(c.get('sessionId')!);
        await auditRepo(deps.db).record({ event: 'logout', actor_id: c.get('user')!.id, ip: clientIp(c) });
        clearSessionCookie(c);
        return c.json({ ok: true });
      },
    )
    .route(
      {
        method: 'post',
        path: '/redeem',
        summary: 'Create an account with a cohort enrolment code and sign in',
        access: 'public',
        body: redeemBody,
      },
      async (c, { body }) => {
        const { db, limits, now } = c.get('deps');
        const ip = clientIp(c);
        const wait = limits.redeem.retryAfter(ip);
        if (wait > 0)
          throw new AppError(429, 'rate_limited', `too many attempts; try again in ${wait} s`, undefined, {
            'Retry-After': String(wait),
          });
        limits.redeem.hit(ip);
        const passwordHash = await hashPassword(body.password);
        const t = now().toISOString();
        const user = await db.transaction().execute(async (trx) => {
          const code = await trx
            .selectFrom('enrolment_codes')
            .selectAll()
            .where('code_hash', '=', hashCode(body.code))
            .executeTakeFirst();
          // One answer for unknown, revoked, expired and full codes: no way to probe which codes exist.
          if (
            !code ||
            code.revoked_at ||
            (code.expires_at && code.expires_at <= t) ||
            (code.max_seats !== null && code.used_seats >= code.max_seats)
          ) {
            throw new AppError(400, 'validation_failed', INVALID_REDEEM, { code: 'not valid' });
          }
          const exists = await trx.selectFrom('users').select('id').where('email', '=', body.email).executeTakeFirst();
          // The same answer as for a bad code: the form must not reveal which emails have accounts.
          if (exists) throw new AppError(400, 'validation_failed', INVALID_REDEEM, { code: 'not valid' });
          const created = await trx
            .insertInto('users')
            .values({
              email: body.email,
              full_name: body.full_name,
              role: code.role,
              password_hash: passwordHash,
              locale: body.locale,
              created_at: t,
            })
            .returning(['id', 'email', 'full_name', 'role', 'locale'])
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('cohort_members')
            .values({ cohort_id: code.cohort_id, user_id: created.id, joined_at: t })
            .execute();
          await trx
            .updateTable('enrolment_codes')
            .set((eb) => ({ used_seats: eb('used_seats', '+', 1) }))
            .where('code_hash', '=', code.code_hash)
            .execute();
          await trx
            .insertInto('audit_log')
            .values({
              at: t,
              actor_id: created.id,
              event: 'enrolment.redeemed',
              target: `cohort:${code.cohort_id}`,
              details: null,
              ip,
            })
            .execute();
          return created;
        });
        await startSession(c, user.id);
        return c.json({ user }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/reset',
        summary: 'Set a new password with a single-use reset link token; signs out every session of the account',
        access: 'public',
        body: resetBody,
      },
      async (c, { body }) => {
        const { db, now } = c.get('deps');
        const t = now().toISOString();
        const passwordHash = await hashPassword(body.new_password);
        const userId = await passwordResetsRepo(db).consume(hashToken(body.token), t);
        const user = userId === null ? undefined : await usersRepo(db).byId(userId);
        // One answer for unknown, used and expired tokens and deactivated accounts.
        if (!user || !user.active)
          throw new AppError(
            400,
            'validation_failed',
            'this reset link is not valid (unknown, already used or expired); ask for a new one',
            { token: 'not valid' },
          );
        await usersRepo(db).setPassword(user.id, passwordHash);
        await passwordResetsRepo(db).expireOthers(user.id, t);
        await sessions(db, now).invalidateAllFor(user.id);
        await auditRepo(db).record({
          event: 'password.reset',
          actor_id: user.id,
          target: `user:${user.id}`,
          details: { stage: 'used' },
          ip: clientIp(c),
        });
        return c.json({ ok: true, email: user.email });
      },
    );
}
