/** API reads are gzipped for clients that accept it; writes are left alone. */
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { makeTestApp } from '../helpers/app.ts';

const t = await makeTestApp();
const cadet = await t.userWithSession('cadet');

describe('API compression', () => {
  it('a GET answered with JSON is gzipped when the client accepts gzip, and decodes to the same JSON', async () => {
    const plain = await t.request('/api/openapi.json');
    const zipped = await t.request('/api/openapi.json', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toMatch(/Accept-Encoding/i);
    const raw = Buffer.from(await zipped.arrayBuffer());
    const text = await plain.text();
    expect(raw.length).toBeLessThan(text.length / 3);
    expect(JSON.parse(zlib.gunzipSync(raw).toString('utf8'))).toEqual(JSON.parse(text));
  });

  it('a small JSON answer goes out as it is, with its length: compressing it would cost more than it saves', async () => {
    const res = await t.request('/api/health', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/Accept-Encoding/i);
    const body = await res.text();
    expect(JSON.parse(body).status).toBe('ok');
    expect(res.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
  });

  it('a large JSON answer carries the length of its gzipped body', async () => {
    const res = await t.request('/api/openapi.json', { headers: { 'accept-encoding': 'gzip' } });
    const raw = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-length')).toBe(String(raw.length));
  });

  it('keeps the security headers and no-store on a compressed answer', async () => {
    const res = await t.request('/api/me/progress', { cookie: cadet.cookie, headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBeTruthy();
  });

  it('a write is answered uncompressed', async () => {
    const res = await t.request('/api/progress/events', {
      cookie: cadet.cookie,
      headers: { 'accept-encoding': 'gzip' },
      json: {
        events: [
          {
            id: 'compress-test-1',
            course: 'fixture-course',
            module: 'words',
            kind: 'viewed',
            at: new Date().toISOString(),
          },
        ],
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('vary')).toBeNull();
  });
});
