import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { SESSION_COOKIE } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import type { AppEnv } from '../env.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF protection for cookie-authenticated state changes (OWASP: verify the origin with standard
 * headers). A state-changing request that carries the session cookie must come from our own origin:
 * its Origin header (or, failing that, Sec-Fetch-Site) must say so. Requests without the cookie
 * cannot act as anyone, so they pass (login and redeem are additionally origin-checked when an Origin is sent).
 */
export const csrfMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE.has(c.req.method)) return next();
  const own = new URL(c.req.url).origin;
  const { trustedOrigins, publicUrl } = c.get('deps').config;
  const allowed = new Set([own, ...trustedOrigins, ...(publicUrl ? [new URL(publicUrl).origin] : [])]);
  const origin = c.req.header('origin');
  const hasCookie = !!getCookie(c, SESSION_COOKIE);
  if (origin && origin !== 'null') {
    if (!allowed.has(origin)) throw new AppError(403, 'csrf_rejected', `cross-origin request from ${origin.slice(0, 100)} refused`);
    return next();
  }
  if (hasCookie) {
    const site = c.req.header('sec-fetch-site');
    if (site !== 'same-origin') throw new AppError(403, 'csrf_rejected', 'state-changing request without a same-origin Origin header refused');
  }
  return next();
};
