import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../env.ts';
import { originOf } from './origin.ts';

/**
 * Headers for every answer. The CSP allows only our own scripts (Astro's islands are external,
 * hashed files; no inline scripts), our own styles (Astro inlines small stylesheets, hence
 * 'unsafe-inline' for styles only), and no framing: SCORM packages, which must live in an LMS frame,
 * are not served by this server.
 */
export const cspFor = (scriptHashes: string[] = []) =>
  [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval'${scriptHashes.length ? ' ' + scriptHashes.join(' ') : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');

/**
 * `scriptHashes`: SHA-256 hashes of the inline bootstrap scripts Astro writes for islands, collected
 * at build time (dist/site/csp-hashes.json) — the only inline scripts allowed.
 */
export const securityHeaders = (opts: { hsts: boolean; scriptHashes?: string[] }): MiddlewareHandler<AppEnv> => {
  const csp = cspFor(opts.scriptHashes);
  return async (c, next) => {
    await next();
    const h = c.res.headers;
    const own = h.get('content-security-policy');
    if (!own) h.set('Content-Security-Policy', csp);
    h.set('X-Content-Type-Options', 'nosniff');
    h.set('Referrer-Policy', 'strict-origin-when-cross-origin');
    // A page that names who may frame it (the LTI pages: the platform) keeps that; every other page is unframeable.
    if (!own || !/frame-ancestors (?!'none')/.test(own)) h.set('X-Frame-Options', 'DENY');
    h.set('Cross-Origin-Opener-Policy', 'same-origin');
    h.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    const https =
      originOf(c.req.url).https || (c.get('deps')?.config.trustProxy && c.req.header('x-forwarded-proto') === 'https');
    if (opts.hsts || https) h.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  };
};
