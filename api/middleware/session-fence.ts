/**
 * PostgreSQL, several API instances: a request that changed a user or a session (sign-out, a role or
 * a password changed, an account deactivated or erased) is answered only after every instance's
 * session cache has dropped what it changed (db/postgres/session-cache.ts, `fence`). So once a client
 * hears "done", no instance honours the old session or role, on its very next request. Requests that
 * changed neither (nearly all) pass straight through; without such a cache it does nothing.
 */
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';

export const sessionFence: MiddlewareHandler<AppEnv> = async (c, next) => {
  const cache = c.get('deps').sessionCache;
  if (!cache?.fence || !cache.localChanges) return next();
  const before = cache.localChanges();
  try {
    await next();
  } finally {
    if (cache.localChanges() !== before) await cache.fence();
  }
};
