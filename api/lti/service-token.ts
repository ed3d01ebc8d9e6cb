/**
 * OAuth 2 client-credentials tokens for the platform's services (AGS, NRPS), obtained with a JWT
 * assertion signed by the tool's key (IMS Security Framework §4.1, RFC 7523). Cached in memory until
 * shortly before they expire; `forget` drops one the platform refused.
 */
import { SignJWT } from 'jose';
import type { LtiRegistration } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { signingKey } from './keys.ts';
import { TOOL_SCOPES } from './claims.ts';
import { safeFetch, UnsafeUrlError } from './safe-url.ts';

export const SERVICE_TIMEOUT_MS = 10_000;
export const timeoutOf = (deps: Pick<Deps, 'config'>) => deps.config.ltiTimeoutMs ?? SERVICE_TIMEOUT_MS;

const caches = new WeakMap<object, Map<number, { token: string; until: number }>>();
const cacheOf = (deps: Pick<Deps, 'db'>) => {
  let m = caches.get(deps.db);
  if (!m) caches.set(deps.db, (m = new Map()));
  return m;
};

export class ServiceError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    /** A stable code for the registration page and logs, e.g. `url_refused`, `issuer_registered`. */
    readonly reason = 'platform_error',
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/**
 * A request to a platform URL, through the SSRF checks of safe-url.ts (https, public addresses, no
 * redirects, a timeout, a size cap); refusals, network errors and timeouts become ServiceError.
 */
export async function serviceFetch(
  deps: Pick<Deps, 'config'>,
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  what: string,
): Promise<Response> {
  try {
    return await safeFetch(deps, url, init, what, timeoutOf(deps));
  } catch (e) {
    if (e instanceof UnsafeUrlError) throw new ServiceError(e.message, null, 'url_refused');
    throw new ServiceError(`${what}: ${(e as Error).message}`, null);
  }
}

export async function serviceToken(
  deps: Pick<Deps, 'db' | 'now' | 'config' | 'ltiKeyCipher'>,
  reg: LtiRegistration,
): Promise<string> {
  const cache = cacheOf(deps);
  const t = deps.now().getTime();
  const hit = cache.get(reg.id);
  if (hit && hit.until > t) return hit.token;
  const { kid, key } = await signingKey(deps);
  const iat = Math.floor(t / 1000);
  const assertion = await new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(reg.client_id)
    .setSubject(reg.client_id)
    .setAudience(reg.token_url)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 300)
    .setJti(crypto.randomUUID())
    .sign(key);
  const res = await serviceFetch(
    deps,
    reg.token_url,
    {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        scope: TOOL_SCOPES.join(' '),
      }).toString(),
    },
    'token endpoint',
  );
  if (!res.ok) throw new ServiceError(`token endpoint answered ${res.status}`, res.status);
  const body = (await res.json().catch(() => null)) as { access_token?: unknown; expires_in?: unknown } | null;
  if (!body || typeof body.access_token !== 'string')
    throw new ServiceError('token endpoint answered without an access_token', res.status);
  const ttl = typeof body.expires_in === 'number' ? body.expires_in : 3600;
  cache.set(reg.id, { token: body.access_token, until: t + Math.max(0, ttl - 60) * 1000 });
  return body.access_token;
}

export const forgetToken = (deps: Pick<Deps, 'db'>, registrationId: number) => cacheOf(deps).delete(registrationId);
