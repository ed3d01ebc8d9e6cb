/**
 * The platforms' public keys: fetched from each registration's JWKS URL with jose's remote key set,
 * which caches the set, refetches when a token names an unknown `kid` (at most every 30 s), and gives
 * up after a timeout. The request itself goes through safe-url.ts (https, public addresses only, no
 * redirects, a size cap). One cache per dependency set (so tests do not share it).
 */
import { createRemoteJWKSet, customFetch } from 'jose';
import type { Deps } from '../deps.ts';
import { FetchFailed, safeFetch } from './safe-url.ts';

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const caches = new WeakMap<object, Map<string, KeySet>>();

export const JWKS_TIMEOUT_MS = 5000;

export function platformKeys(deps: Pick<Deps, 'db' | 'config'>, jwksUrl: string): KeySet {
  let cache = caches.get(deps.db);
  if (!cache) caches.set(deps.db, (cache = new Map()));
  let set = cache.get(jwksUrl);
  if (!set) {
    if (cache.size > 200) cache.clear();
    const timeout = deps.config.ltiTimeoutMs ?? JWKS_TIMEOUT_MS;
    set = createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: timeout,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
      [customFetch]: async (url: string, init: { headers: Headers; signal: AbortSignal }) => {
        try {
          return await safeFetch(
            deps,
            url,
            { headers: Object.fromEntries(init.headers.entries()), signal: init.signal },
            "platform's JWKS URL",
            timeout,
          );
        } catch (e) {
          // jose reports a TimeoutError as JWKSTimeout (api/lti/validate.ts: jwks_unreachable).
          if (e instanceof FetchFailed && e.timeout) throw new DOMException(e.message, 'TimeoutError');
          throw e;
        }
      },
    });
    cache.set(jwksUrl, set);
  }
  return set;
}
