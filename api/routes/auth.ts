import { z } from 'zod';
import { hashCode } from '../../db/enrolment-code.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { dummyHash, hashPassword, verifyPassword } from '../auth/password.ts';
import { hashToken, sessions } from '../auth/session.ts';
import { passwordResetsRepo } from '../../db/repos/password-resets.ts';
import { AppError } from '../errors.ts';
import { addressKey, type RateLimiter } from '../middleware/rate-limit.ts';
import { enrolmentCodesRepo } from '../../db/repos/enrolment-codes.ts';
import { checkPasswordPolicy } from '../auth/password-policy.ts';
import { checkSecondFactor } from '../auth/second-factor.ts';
import { clearSessionCookie, writeSessionCookie } from '../middleware/session.ts';
import { Resource } from '../route.ts';
import { LOGIN_EXAMPLE, LoginAnswer, ResetDone, SignedIn } from './schemas/auth.ts';
import { Ok } from './schemas/common.ts';
import { emailField, nameField, newPasswordField, passwordField } from './fields.ts';
import type { Context } from 'hono';
import type { AppEnv } from '../env.ts';
import type { Role } from '../../db/schema.ts';

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

export const reauthBody = z
  .object({ password: passwordField.optional(), code: z.string().trim().min(6).max(32).optional() })
  .strict()
  .refine((b) => (b.password === undefined) !== (b.code === undefined), 'send either password or code (second factor)');
export const loginTotpBody = z
  .object({
    challenge: z.string().trim().min(16, 'at least 16 characters').max(64, 'at most 64 characters'),
    code: z.string().trim().min(6, 'at least 6 characters').max(32, 'at most 32 characters'),
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

/** Count a hit for the client's address (a /64 for IPv6) or answer 429. Synchronous: no await between check and count. */
function rateLimit(limiter: RateLimiter, ip: string) {
  const key = addressKey(ip);
  const wait = limiter.retryAfter(key);
  if (wait > 0)
    throw new AppError(429, 'rate_limited', `too many attempts; try again in ${wait} s`, undefined, {
      'Retry-After': String(wait),
    });
  limiter.hit(key);
}

/**
 * Audit an unauthenticated failure at most once per event, account and address per window, through
 * the group commit: a flood of guesses must not become a flood of fsync'd rows (they share commits).
 * Awaited, so the answer leaves only once the row is committed: a fire-and-forget write was seen lost
 * when the next request came at once. A failed write is logged, never turned into a 500.
 */
async function auditOnce(
  c: Context<AppEnv>,
  event: 'login.failed' | 'login.limited',
  email: string,
  ip: string,
  actor: number | null = null,
) {
  const { db, storage, limits, log } = c.get('deps');
  if (!limits.auditOnce.take(`${event}\n${email}\n${addressKey(ip)}`)) return;
  await auditRepo(db)
    .recordBatched(storage, { event, target: email, actor_id: actor, ip })
    .catch((e: unknown) => log.error('audit write failed', { event, error: String(e) }));
}

async function startSession(c: Context<AppEnv>, user: { id: number; role: Role }) {
  const deps = c.get('deps');
  // A new token at every login: a token planted before login (session fixation) is never promoted.
  const old = c.get('sessionId');
  if (old) await sessions(deps.db, deps.now).invalidate(old);
  const { token, expiresAt } = await sessions(deps.db, deps.now).create(user.id, user.role);
  writeSessionCookie(c, token, expiresAt);
}

export function authRoutes() {
  return new Resource('/api/auth', 'auth')
    .route(
      {
        method: 'post',
        path: '/login',
        response: LoginAnswer,
        errors: [401, 429],
        example: LOGIN_EXAMPLE,
        summary: 'Sign in with email and password; sets the session cookie',
        access: 'public',
        body: loginBody,
      },
      async (c, { body }) => {
        const { db, limits, log } = c.get('deps');
        const ip = clientIp(c);
        // Reserved synchronously, before the first await: see api/auth/login-throttle.ts.
        const ticket = limits.login.begin(body.email, ip);
        if (!ticket.ok) {
          await auditOnce(c, 'login.limited', body.email, ip);
          throw new AppError(
            429,
            'rate_limited',
            `too many failed sign-ins; try again in ${ticket.retryAfter} s`,
            undefined,
            { 'Retry-After': String(ticket.retryAfter) },
          );
        }
        let user: Awaited<ReturnType<ReturnType<typeof usersRepo>['byEmail']>>;
        let ok = false;
        try {
          user = await usersRepo(db).byEmail(body.email);
          // Verify against a dummy hash when there is no such user, so timing does not reveal which emails exist.
          ok = (await verifyPassword(user?.password_hash ?? (await dummyHash()), body.password)) && !!user?.active;
        } finally {
          ticket.done(ok);
        }
        if (!user || !ok) {
          await auditOnce(c, 'login.failed', body.email, ip, user?.id ?? null);
          log.info('login failed', { ip });
          throw new AppError(401, 'invalid_credentials', 'wrong email or password');
        }
        // With a second factor, the password only opens the second step (POST /api/auth/login/totp).
        if (user.totp_enabled_at)
          return c.json({ mfa_required: true, challenge: c.get('deps').mfaChallenges.create(user.id) });
        await startSession(c, user);
        await auditRepo(db).record({ event: 'login.ok', actor_id: user.id, ip });
        return c.json({
          user: { id: user.id, email: user.email, full_name: user.full_name, role: user.role, locale: user.locale },
          // An admin without a second factor is sent to set one up (admin routes answer 403 until then).
          ...(user.role === 'admin' && c.get('deps').config.requireAdminMfa ? { mfa_enrolment_required: true } : {}),
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/login/totp',
        response: SignedIn,
        errors: [401, 429],
        summary: 'Second sign-in step: the challenge from /login with a TOTP or recovery code; sets the session cookie',
        access: 'public',
        body: loginTotpBody,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const userId = deps.mfaChallenges.userOf(body.challenge);
        const invalid = () =>
          new AppError(401, 'invalid_credentials', 'the sign-in expired or the code is wrong; sign in again');
        if (userId === null) throw invalid();
        const ok = await checkSecondFactor(deps, userId, body.code);
        const user = ok ? await usersRepo(deps.db).byId(userId) : undefined;
        if (!user || !user.active) {
          await auditOnce(c, 'login.failed', `user:${userId}`, clientIp(c), userId);
          throw invalid();
        }
        deps.mfaChallenges.finish(body.challenge);
        await startSession(c, user);
        await auditRepo(deps.db).record({
          event: 'login.ok',
          actor_id: user.id,
          details: { mfa: true },
          ip: clientIp(c),
        });
        return c.json({
          user: { id: user.id, email: user.email, full_name: user.full_name, role: user.role, locale: user.locale },
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/logout',
        response: Ok,
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
        path: '/reauth',
        response: Ok,
        errors: [429],
        summary: 'Confirm the password of the signed-in account; dangerous actions need this within 10 minutes',
        access: 'authenticated',
        body: reauthBody,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        const key = String(me.id);
        // Counted before the first await, like sign-in: a stolen session cannot guess the password quickly.
        if (!deps.limits.reauth.take(key)) {
          const wait = deps.limits.reauth.retryAfter(key);
          throw new AppError(429, 'rate_limited', `too many attempts; try again in ${wait} s`, undefined, {
            'Retry-After': String(wait),
          });
        }
        const user = await usersRepo(deps.db).byId(me.id);
        const ok =
          !!user &&
          (body.code !== undefined
            ? !!user.totp_enabled_at && (await checkSecondFactor(deps, me.id, body.code))
            : await verifyPassword(user.password_hash, body.password!));
        await auditRepo(deps.db).record({
          event: ok ? 'reauth.ok' : 'reauth.failed',
          actor_id: me.id,
          ip: clientIp(c),
        });
        if (!ok)
          throw new AppError(400, 'validation_failed', 'the password or code is wrong', {
            [body.code !== undefined ? 'code' : 'password']: 'wrong',
          });
        deps.limits.reauth.release(key);
        await sessions(deps.db, deps.now).markFresh(c.get('sessionId')!);
        return c.json({ ok: true });
      },
    )
    .route(
      {
        method: 'post',
        path: '/redeem',
        response: SignedIn,
        status: 201,
        errors: [429],
        summary: 'Create an account with a cohort enrolment code and sign in',
        access: 'public',
        body: redeemBody,
      },
      async (c, { body }) => {
        const { db, limits, now } = c.get('deps');
        const ip = clientIp(c);
        rateLimit(limits.redeem, ip);
        // The code and the email are checked before the Argon2 hash: a wrong code costs the server nothing.
        // (Checked again inside the transaction below, which is what decides.)
        const pre = await enrolmentCodesRepo(db).usable(hashCode(body.code), now().toISOString());
        if (!pre || (await usersRepo(db).byEmail(body.email)))
          throw new AppError(400, 'validation_failed', INVALID_REDEEM, { code: 'not valid' });
        checkPasswordPolicy(body.password, body.email, 'password');
        const passwordHash = await hashPassword(body.password);
        const t = now().toISOString();
        const user = await enrolmentCodesRepo(db).redeem({
          code_hash: hashCode(body.code),
          at: t,
          ip,
          user: { email: body.email, full_name: body.full_name, password_hash: passwordHash, locale: body.locale },
        });
        // The same answer for a code that stopped being usable meanwhile and an email taken meanwhile.
        if (!user) throw new AppError(400, 'validation_failed', INVALID_REDEEM, { code: 'not valid' });
        await startSession(c, user);
        return c.json({ user }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/reset',
        response: ResetDone,
        errors: [429],
        summary: 'Set a new password with a single-use reset link token; signs out every session of the account',
        access: 'public',
        body: resetBody,
      },
      async (c, { body }) => {
        const { db, limits, now } = c.get('deps');
        rateLimit(limits.reset, clientIp(c));
        const t = now().toISOString();
        const tokenHash = hashToken(body.token);
        // The token is checked before the Argon2 hash: an unknown token costs the server nothing.
        const holder = await passwordResetsRepo(db).peek(tokenHash, t);
        const owner = holder === null ? undefined : await usersRepo(db).byId(holder);
        // One answer for unknown, used and expired tokens and deactivated accounts.
        const invalid = () =>
          new AppError(
            400,
            'validation_failed',
            'this reset link is not valid (unknown, already used or expired); ask for a new one',
            {
              token: 'not valid',
            },
          );
        if (!owner || !owner.active) throw invalid();
        // Before the token is used up, so a refused password leaves the link working.
        checkPasswordPolicy(body.new_password, owner.email, 'new_password');
        const passwordHash = await hashPassword(body.new_password);
        const userId = await passwordResetsRepo(db).consume(tokenHash, t);
        const user = userId === owner.id ? owner : undefined;
        if (!user) throw invalid();
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
