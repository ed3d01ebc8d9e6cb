/**
 * The built site is served from memory with the Brotli and gzip copies made at build: the right copy
 * for each client, strong ETags and 304s, immutable caching only for hashed assets, a memory budget,
 * and a new build picked up without a restart.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../api/bootstrap.ts';
import { silentLogger } from '../../api/log.ts';
import { createServerApp } from '../../api/server.ts';
import { loadSite, negotiate } from '../../api/static/site-files.ts';
import { precompress } from '../../scripts/precompress.ts';
import { fixtures, tempDir } from '../helpers/app.ts';

const page = (title: string) =>
  `<!doctype html><html lang="uk"><head><title>${title}</title></head><body>${'<p>Модуль: перша реакція. </p>'.repeat(200)}</body></html>`;

function makeSite() {
  const dir = tempDir('oberih-site-');
  fs.mkdirSync(path.join(dir, 'uk', 'courses', 'x'), { recursive: true });
  fs.mkdirSync(path.join(dir, '_astro'));
  fs.writeFileSync(path.join(dir, 'uk', 'index.html'), page('Головна'));
  fs.writeFileSync(path.join(dir, 'uk', 'courses', 'x', 'index.html'), page('Курс'));
  fs.writeFileSync(path.join(dir, '_astro', 'app.Ab12Cd.js'), `export const a = ${JSON.stringify('x'.repeat(5000))};`);
  fs.writeFileSync(path.join(dir, 'tiny.txt'), 'ok');
  fs.writeFileSync(path.join(dir, 'csp-hashes.json'), '[]');
  fs.writeFileSync(path.join(dir, '.build-stamp'), 'one');
  return dir;
}

async function serverFor(siteDir: string, staticCacheBytes?: number) {
  const dir = tempDir();
  const deps = await bootstrap({
    dbFile: path.join(dir, 'db.sqlite'),
    contentDir: 'tests/fixtures/content',
    catalog: fixtures(),
    log: silentLogger,
    groupCommitMs: 0,
  });
  const app = createServerApp(deps, siteDir, { staticCacheBytes });
  return {
    get: (p: string, headers: Record<string, string> = {}, method = 'GET') =>
      app.request(`http://localhost${p}`, { method, headers }),
    close: () => deps.close(),
  };
}

describe('precompression at build', () => {
  it('writes a .br and a .gz beside each compressible file that they make smaller, and nothing for tiny files', () => {
    const dir = makeSite();
    const totals = precompress(dir);
    expect(fs.existsSync(path.join(dir, 'uk', 'index.html.br'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'uk', 'index.html.gz'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'tiny.txt.br'))).toBe(false);
    const raw = fs.readFileSync(path.join(dir, 'uk', 'index.html'));
    expect(zlib.brotliDecompressSync(fs.readFileSync(path.join(dir, 'uk', 'index.html.br')))).toEqual(raw);
    expect(zlib.gunzipSync(fs.readFileSync(path.join(dir, 'uk', 'index.html.gz')))).toEqual(raw);
    expect(totals.br).toBeLessThan(totals.gz);
  });
});

describe('serving the site from memory', () => {
  const dir = makeSite();
  precompress(dir);

  it('answers Brotli to a browser, gzip to a client without br, and the plain file to one that accepts neither', async () => {
    const s = await serverFor(dir);
    const raw = fs.readFileSync(path.join(dir, 'uk', 'index.html'));
    const br = await s.get('/uk/', { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(br.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(zlib.brotliDecompressSync(Buffer.from(await br.arrayBuffer()))).toEqual(raw);

    const gz = await s.get('/uk/index.html', { 'accept-encoding': 'gzip;q=1, br;q=0' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(zlib.gunzipSync(Buffer.from(await gz.arrayBuffer()))).toEqual(raw);

    const plain = await s.get('/uk/');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer())).toEqual(raw);
    expect(plain.headers.get('content-length')).toBe(String(raw.length));
    await s.close();
  });

  it('each representation has its own strong ETag, and a matching If-None-Match gets 304 with no body', async () => {
    const s = await serverFor(dir);
    const br = await s.get('/uk/courses/x/', { 'accept-encoding': 'br' });
    const gz = await s.get('/uk/courses/x/', { 'accept-encoding': 'gzip' });
    const etag = br.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+-br"$/);
    expect(gz.headers.get('etag')).not.toBe(etag);
    const again = await s.get('/uk/courses/x/', { 'accept-encoding': 'br', 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    // The gzip representation's tag does not validate the Brotli one.
    const other = await s.get('/uk/courses/x/', { 'accept-encoding': 'br', 'if-none-match': gz.headers.get('etag')! });
    expect(other.status).toBe(200);
    await s.close();
  });

  it('hashed assets are immutable for a year; pages are revalidated; security headers stay', async () => {
    const s = await serverFor(dir);
    const asset = await s.get('/_astro/app.Ab12Cd.js', { 'accept-encoding': 'br' });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const html = await s.get('/uk/');
    expect(html.headers.get('cache-control')).toBe('public, no-cache');
    expect(html.headers.get('content-security-policy')).toBeTruthy();
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    await s.close();
  });

  it("HEAD gives the headers without a body; the build's own files and unknown paths are not served from memory", async () => {
    const s = await serverFor(dir);
    const head = await s.get('/uk/', { 'accept-encoding': 'br' }, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const table = loadSite(dir, 1e9);
    expect(table.files.has('/csp-hashes.json')).toBe(false);
    expect(table.files.has('/uk/index.html.br')).toBe(false);
    expect((await s.get('/uk/nowhere/')).status).toBe(404);
    await s.close();
  });

  it('keeps within its memory budget and serves what did not fit from disk', async () => {
    const budget = 4000;
    const table = loadSite(dir, budget);
    expect(table.bytes).toBeLessThanOrEqual(budget);
    expect(table.skipped).toBeGreaterThan(0);
    const s = await serverFor(dir, budget);
    const res = await s.get('/uk/courses/x/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Курс</title>');
    await s.close();
  });

  it('a new build in the same folder is served without a restart', async () => {
    const site = makeSite();
    precompress(site);
    const s = await serverFor(site);
    expect(await (await s.get('/uk/')).text()).toContain('Головна');
    fs.writeFileSync(path.join(site, 'uk', 'index.html'), page('Нова збірка'));
    precompress(site);
    await new Promise((r) => setTimeout(r, 1100));
    const future = new Date(Date.now() + 5000);
    fs.writeFileSync(path.join(site, '.build-stamp'), 'two');
    fs.utimesSync(path.join(site, '.build-stamp'), future, future);
    expect(
      await (
        await s.get('/uk/', { 'accept-encoding': 'br' })
      )
        .arrayBuffer()
        .then((b) => zlib.brotliDecompressSync(Buffer.from(b)).toString()),
    ).toContain('Нова збірка');
    await s.close();
  });
});

describe('content negotiation', () => {
  const both = { br: { body: Buffer.alloc(1), etag: '"a-br"' }, gzip: { body: Buffer.alloc(1), etag: '"a-gzip"' } };
  it('prefers br, honours q=0 and *, and falls back to identity', () => {
    expect(negotiate('gzip, br', both)).toBe('br');
    expect(negotiate('br;q=0, gzip', both)).toBe('gzip');
    expect(negotiate('*', both)).toBe('br');
    expect(negotiate('identity', both)).toBe('identity');
    expect(negotiate(undefined, both)).toBe('identity');
    expect(negotiate('br', {})).toBe('identity');
  });
});
