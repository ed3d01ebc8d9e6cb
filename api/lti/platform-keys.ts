/**
 * The platforms' public keys: fetched from each registration's JWKS URL with jose's remote key set,
 * which caches the set, refetches when a token names an unknown `kid` (at most every 30 s), and gives
 * up after a timeout. One cache per dependency set (so tests do not share it).
 */
import { createRemoteJWKSet } from 'jose';
import type { Deps } from '../deps.ts';

type KeySet = ReturnType<typeof createRemoteJWKSet>;
const caches = new WeakMap<object, Map<string, KeySet>>();

export const JWKS_TIMEOUT_MS = 5000;

export function platformKeys(deps: Pick<Deps, 'db' | 'config'>, jwksUrl: string): KeySet {
  let cache = caches.get(deps.db);
  if (!cache) caches.set(deps.db, (cache = new Map()));
  let set = cache.get(jwksUrl);
  if (!set) {
    if (cache.size > 200) cache.clear();
    set = createRemoteJWKSet(new URL(jwksUrl), {
      timeoutDuration: deps.config.ltiTimeoutMs ?? JWKS_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 10 * 60_000,
    });
    cache.set(jwksUrl, set);
  }
  return set;
}
