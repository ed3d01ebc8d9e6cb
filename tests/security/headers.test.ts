/** Headers on the real server: CSP without inline scripts (hashes only), no framing, nosniff, referrer policy, HSTS over HTTPS. */
import { describe, expect, it } from 'vitest';
import { startServer } from '../helpers/server.ts';

describe('security headers', async () => {
  const server = await startServer({ TRUST_PROXY: '1' });

  it('pages and API answers carry a strict CSP, nosniff, a referrer policy and no framing', async () => {
    for (const path of ['/uk/', '/uk/courses/fixture-course/response/', '/api/health', '/en/no-such-page/']) {
      const res = await fetch(server.url + path);
      const csp = res.headers.get('content-security-policy')!;
      const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src'))!;
      const tokens = scriptSrc.trim().split(/\s+/);
      expect(tokens, path).not.toContain("'unsafe-inline'");
      expect(tokens, path).not.toContain("'unsafe-eval'");
      expect(scriptSrc).toMatch(/'self'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toBeNull(); // plain HTTP
    }
  });

  it('every inline script in a page is allowed by its hash, and only those', async () => {
    const { createHash } = await import('node:crypto');
    const inlineOf = async (path: string) => {
      const res = await fetch(server.url + path);
      const html = await res.text();
      const hashes = [...res.headers.get('content-security-policy')!.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
      const inline = [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)]
        .filter((m) => !/\ssrc=|application\/json/.test(m[1] ?? '') && m[2])
        .map((m) => createHash('sha256').update(m[2]!).digest('base64'));
      for (const h of inline) expect(hashes, path).toContain(h);
      return inline.length;
    };
    // "My learning" is an Astro island: its bootstrap is inline and must be allowed by hash.
    expect(await inlineOf('/uk/my/')).toBeGreaterThan(0);
    // Module pages hydrate their islands from one script file: nothing inline at all.
    expect(await inlineOf('/uk/courses/fixture-course/response/')).toBe(0);
  });

  it('sends HSTS and Secure cookies behind a TLS proxy (TRUST_PROXY=1, X-Forwarded-Proto: https)', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: server.url, 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ email: 'cadet@oberih.demo', password: 'demo-cadet-2026' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.getSetCookie().join()).toMatch(/HttpOnly.*Secure|Secure.*HttpOnly/);
  });
});
