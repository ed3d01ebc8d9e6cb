import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { sessionCookieName } from '../auth/session.ts';
import { AppError } from '../errors.ts';
import type { Config } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { originOf } from './origin.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The configured origins (TRUSTED_ORIGINS and PUBLIC_URL's), worked out once per configuration. */
const configured = new WeakMap<Config, Set<string>>();
function configuredOrigins(config: Config): Set<string> {
  let set = configured.get(config);
  if (!set)
    configured.set(
      config,
      (set = new Set([...config.trustedOrigins, ...(config.publicUrl ? [new URL(config.publicUrl).origin] : [])])),
    );
  return set;
}

/**
 * CSRF protection for cookie-authenticated state changes (OWASP: verify the origin with standard
 * headers). A state-changing request that carries the session cookie must come from our own origin:
 * its Origin header (or, failing that, Sec-Fetch-Site) must say so. Requests without the cookie
 * cannot act as anyone, so they pass (login and redeem are additionally origin-checked when an Origin is sent).
 */
/**
 * LTI endpoints a platform reaches with a cross-site form post (login initiation, the id_token launch).
 * They act on no session: the launch is authenticated by the platform's signed id_token and bound to
 * the browser by the state cookie (api/routes/lti.ts).
 */
export const CROSS_SITE_POSTS = new Set(['/api/lti/login', '/api/lti/launch']);

export const csrfMiddleware: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (SAFE.has(c.req.method)) return next();
  if (c.req.method === 'POST' && CROSS_SITE_POSTS.has(c.req.path)) return next();
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') {
    if (origin !== originOf(c.req.url).origin && !configuredOrigins(c.get('deps').config).has(origin))
      throw new AppError(403, 'csrf_rejected', `cross-origin request from ${origin.slice(0, 100)} refused`);
    return next();
  }
  if (getCookie(c, sessionCookieName(c.get('deps').config))) {
    const site = c.req.header('sec-fetch-site');
    if (site !== 'same-origin')
      throw new AppError(403, 'csrf_rejected', 'state-changing request without a same-origin Origin header refused');
  }
  return next();
};
