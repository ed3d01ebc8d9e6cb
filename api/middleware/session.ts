import type { MiddlewareHandler } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import { sessionCookieName, sessions } from '../auth/session.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { originOf } from './origin.ts';

export function isSecure(c: Parameters<MiddlewareHandler<AppEnv>>[0]): boolean {
  const { secureCookies, trustProxy, production } = c.get('deps').config;
  // Production always: the __Host- cookie requires it, and TLS is terminated in front of the app.
  return (
    production ||
    secureCookies ||
    originOf(c.req.url).https ||
    (!!trustProxy && c.req.header('x-forwarded-proto') === 'https')
  );
}

/** HttpOnly, SameSite=Lax, Secure in production and whenever served over HTTPS; Path=/ so the site's pages send it to /api. */
export function writeSessionCookie(c: Parameters<MiddlewareHandler<AppEnv>>[0], token: string, expiresAt: Date) {
  setCookie(c, sessionCookieName(c.get('deps').config), token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecure(c),
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Parameters<MiddlewareHandler<AppEnv>>[0]) {
  deleteCookie(c, sessionCookieName(c.get('deps').config), {
    path: '/',
    secure: isSecure(c),
    httpOnly: true,
    sameSite: 'Lax',
  });
}

/** One `sessions` per dependency set, not one per request. */
const perDeps = new WeakMap<Deps, ReturnType<typeof sessions>>();

/** Resolve the session cookie to a user (or null), renewing the cookie when the session slid forward. */
export const sessionMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  c.set('user', null);
  c.set('sessionId', null);
  const token = getCookie(c, sessionCookieName(c.get('deps').config));
  if (token) {
    const deps = c.get('deps');
    let s = perDeps.get(deps);
    if (!s) perDeps.set(deps, (s = sessions(deps.db, deps.now, deps.sessionCache)));
    const result = await s.validate(token);
    if (result) {
      c.set('user', result.user);
      c.set('sessionId', result.sessionId);
      if (result.renewed) writeSessionCookie(c, token, result.expiresAt);
    } else {
      clearSessionCookie(c);
    }
  }
  await next();
};
