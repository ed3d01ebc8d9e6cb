/**
 * Every request the LTI tool makes to a URL a platform supplied (JWKS, token endpoint, NRPS roster
 * pages, AGS scores, the dynamic-registration OpenID configuration and registration endpoint) goes
 * through `safeFetch` (security review of issue #22, server-side request forgery):
 *
 * - https only;
 * - the host is resolved once and every address checked: loopback, private (RFC 1918, fc00::/7),
 *   link-local (169.254/16 — the cloud metadata address — and fe80::/10), unspecified, CGNAT,
 *   multicast and reserved addresses are refused; the connection then goes to the checked addresses
 *   only (no second resolution a DNS rebinding could change);
 * - no redirects, a timeout, and a cap on the response size.
 *
 * `LTI_ALLOW_PRIVATE_URLS=1` (config `ltiAllowPrivateUrls`) lifts the https and address rules for a
 * development or test platform on http://127.0.0.1; never set it in production (docs/lti.md).
 */
import dns from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { LookupFunction } from 'node:net';
import type { Deps } from '../deps.ts';

export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A URL the tool refuses to contact; `message` names the problem (shown to admins, logged). */
export class UnsafeUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeUrlError';
  }
}

type SafeDeps = Pick<Deps, 'config'>;
const allowPrivate = (deps: SafeDeps) => deps.config.ltiAllowPrivateUrls === true;

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const V6_BLOCKED: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b:1::', 48], // local-use NAT64
  ['2001:db8::', 32], // documentation
  ['fd00:ec2::254', 128], // AWS metadata over IPv6 (inside fc00::/7 anyway)
];
const blockList = new net.BlockList();
for (const [a, p] of V4_BLOCKED) blockList.addSubnet(a, p, 'ipv4');
for (const [a, p] of V6_BLOCKED) blockList.addSubnet(a, p, 'ipv6');

/** An IPv6 address as 16 bytes (`::` expanded, a trailing dotted IPv4 included). */
function v6Bytes(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [p, q, r, t] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -dotted[1]!.length) + `${((p << 8) | q).toString(16)}:${((r << 8) | t).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const h = head ? head.split(':') : [];
  const t = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 255];
  });
}

/**
 * The IPv4 address an IPv6 address carries, where it is one of the forms that reach an IPv4 host:
 * IPv4-compatible (::/96), IPv4-mapped (::ffff:0:0/96), SIIT (::ffff:0:0:0/96), NAT64 (64:ff9b::/96)
 * and 6to4 (2002::/16). Judged as that IPv4 address.
 */
function embeddedV4(b: number[]): string | null {
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  const v4 = (at: number) => b.slice(at, at + 4).join('.');
  if (zero(0, 10) && ((b[10] === 0 && b[11] === 0) || (b[10] === 255 && b[11] === 255))) return v4(12);
  if (zero(0, 8) && b[8] === 255 && b[9] === 255 && b[10] === 0 && b[11] === 0) return v4(12);
  if (b[0] === 0 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return v4(12);
  if (b[0] === 0x20 && b[1] === 0x02) return v4(2);
  return null;
}

/** Why an address must not be contacted, or null when it is a public address. */
export function blockedAddress(address: string): string | null {
  const family = net.isIP(address);
  if (!family) return 'not an IP address';
  const why = `${address} is a loopback, private, link-local or reserved address`;
  if (family === 4) return blockList.check(address, 'ipv4') ? why : null;
  if (blockList.check(address, 'ipv6')) return why;
  const bytes = v6Bytes(address);
  const v4 = embeddedV4(bytes);
  if (v4) return blockList.check(v4, 'ipv4') ? `${address} carries ${v4}, which is ${why.split(' is ')[1]}` : null;
  // Otherwise only global unicast (2000::/3), without Teredo (2001::/32) and the listed ranges.
  if ((bytes[0]! & 0xe0) !== 0x20 || (bytes[0] === 0x20 && bytes[1] === 0x01 && bytes[2] === 0 && bytes[3] === 0))
    return why;
  return null;
}

export interface CheckedUrl {
  url: URL;
  addresses: { address: string; family: 4 | 6 }[];
}

/**
 * Check a URL the tool is about to contact (or store for later): https, a host that resolves only to
 * public addresses. Returns the addresses to connect to. `what` names the URL in the error.
 */
export async function checkUrl(deps: SafeDeps, raw: string, what: string): Promise<CheckedUrl> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`the ${what} is not a URL`);
  }
  const relaxed = allowPrivate(deps);
  if (url.protocol !== 'https:' && !(relaxed && url.protocol === 'http:'))
    throw new UnsafeUrlError(`the ${what} (${url.origin}) must use https`);
  if (url.username || url.password) throw new UnsafeUrlError(`the ${what} must not carry a user name or password`);
  // The standard port only: any other would let a platform probe services on a public address.
  if (url.port && !relaxed) throw new UnsafeUrlError(`the ${what} (${url.host}) must use the standard https port`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: CheckedUrl['addresses'];
  if (net.isIP(host)) addresses = [{ address: host, family: net.isIP(host) as 4 | 6 }];
  else {
    try {
      addresses = (await dns.lookup(host, { all: true, verbatim: true })).map((r) => ({
        address: r.address,
        family: r.family as 4 | 6,
      }));
    } catch {
      throw new UnsafeUrlError(`the ${what}'s host ${host} could not be resolved`);
    }
    if (!addresses.length) throw new UnsafeUrlError(`the ${what}'s host ${host} could not be resolved`);
  }
  if (!relaxed)
    for (const a of addresses) {
      const why = blockedAddress(a.address);
      if (why) throw new UnsafeUrlError(`the ${what} (${url.host}) is refused: ${why}`);
    }
  return { url, addresses };
}

/** A URL check without a network look-up, for URLs stored now and contacted later (the browser's auth URL). */
export function checkUrlSyntax(deps: SafeDeps, raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UnsafeUrlError(`the ${what} is not a URL`);
  }
  if (url.protocol !== 'https:' && !(allowPrivate(deps) && url.protocol === 'http:'))
    throw new UnsafeUrlError(`the ${what} (${url.origin}) must use https`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate(deps) && net.isIP(host) && blockedAddress(host))
    throw new UnsafeUrlError(`the ${what} (${url.host}) is refused: ${blockedAddress(host)}`);
  return url;
}

/**
 * A service URL from a launch's claims (NRPS memberships, AGS line item) must be on the origin of
 * the registration's token URL or issuer: a launch must not make the tool call (with its access
 * token) anywhere else.
 */
export function checkServiceOrigin(reg: { issuer: string; token_url: string }, raw: string, what: string): void {
  let origin: string;
  try {
    origin = new URL(raw).origin;
  } catch {
    throw new UnsafeUrlError(`the ${what} is not a URL`);
  }
  const allowed = new Set<string>();
  for (const u of [reg.token_url, reg.issuer])
    try {
      allowed.add(new URL(u).origin);
    } catch {
      /* a registration always has both */
    }
  if (!allowed.has(origin))
    throw new UnsafeUrlError(
      `the ${what} (${origin}) is not on the platform's origin (${[...allowed].join(' or ')}): refused`,
    );
}

/** Thrown for network failures and timeouts, so callers can map them to their own errors. */
export class FetchFailed extends Error {
  constructor(
    message: string,
    readonly timeout: boolean,
  ) {
    super(message);
    this.name = 'FetchFailed';
  }
}

/**
 * fetch, through the checks above: connects only to the checked addresses, refuses redirects, gives
 * up after `timeoutMs` (or when `signal` aborts) and when the body passes MAX_RESPONSE_BYTES.
 */
export async function safeFetch(
  deps: SafeDeps,
  raw: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal } = {},
  what: string,
  timeoutMs = deps.config.ltiTimeoutMs ?? DEFAULT_TIMEOUT_MS,
): Promise<Response> {
  const { url, addresses } = await checkUrl(deps, raw, what);
  const lookup: LookupFunction = (_host, options, cb) => {
    const all = (options as { all?: boolean }).all;
    if (all) (cb as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
    else cb(null, addresses[0]!.address, addresses[0]!.family);
  };
  const signals = [AbortSignal.timeout(timeoutMs), ...(init.signal ? [init.signal] : [])];
  const signal = AbortSignal.any(signals);
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise<Response>((resolve, reject) => {
    const fail = (e: Error) => {
      const timeout = signals[0]!.aborted;
      reject(
        e instanceof UnsafeUrlError
          ? e
          : new FetchFailed(timeout ? `no answer within ${timeoutMs / 1000} s` : e.message || String(e), timeout),
      );
    };
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: init.method ?? 'GET',
        headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) },
        lookup,
        signal,
        // Node's own resolver must not be asked again: the lookup above answers with the checked addresses.
        family: undefined,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return fail(new UnsafeUrlError(`the ${what} answered with a redirect (${status}), which is not followed`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (d: Buffer) => {
          size += d.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            fail(new UnsafeUrlError(`the ${what} answered with more than ${MAX_RESPONSE_BYTES / 1048576} MB`));
            return;
          }
          chunks.push(d);
        });
        res.on('error', fail);
        res.on('end', () => {
          if (size > MAX_RESPONSE_BYTES) return;
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined) for (const x of Array.isArray(v) ? v : [v]) headers.append(k, x);
          const nobody = status === 204 || status === 304 || (init.method ?? 'GET') === 'HEAD';
          resolve(new Response(nobody ? null : Buffer.concat(chunks), { status, headers }));
        });
      },
    );
    req.on('error', fail);
    if (body) req.write(body);
    req.end();
  });
}
