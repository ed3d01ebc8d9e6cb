/**
 * The built site, served from memory: each file with its Brotli and gzip copies made at build
 * (scripts/precompress.ts), a strong ETag per representation, `304 Not Modified`, and a cache policy
 * by kind (hashed assets immutable, everything else revalidated). Reading and compressing a page on
 * every request cost a module page 20× a JSON route; from memory it is a map look-up.
 *
 * Memory is bounded: files are loaded until `maxBytes` (all copies counted) is reached; the rest is
 * served from disk by the caller's fallback. A new build in the same folder is picked up without a
 * restart: the build stamp is looked at, at most once a second, and the table is read afresh.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

/** Files the build writes for the server, not for browsers. */
const PRIVATE = new Set(['csp-hashes.json', '.build-stamp']);

type Encoding = 'br' | 'gzip' | 'identity';

interface Variant {
  body: Buffer;
  etag: string;
}

export interface SiteFile {
  type: string;
  cacheControl: string;
  variants: Partial<Record<Encoding, Variant>>;
}

export interface SiteTable {
  files: Map<string, SiteFile>;
  /** Bytes held in memory (every copy). */
  bytes: number;
  /** Files left on disk because the budget was reached. */
  skipped: number;
}

/** Hashed build output never changes under its name; everything else is revalidated on each use. */
export function cacheControlFor(urlPath: string): string {
  return urlPath.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'public, no-cache';
}

/** Reads the built site into a table keyed by URL path (`/uk/` and `/uk/index.html` for the same page). */
export function loadSite(siteDir: string, maxBytes: number): SiteTable {
  const files = new Map<string, SiteFile>();
  let bytes = 0;
  let skipped = 0;
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      if (e.name.endsWith('.br') || e.name.endsWith('.gz') || PRIVATE.has(e.name)) continue;
      const rel = '/' + path.relative(siteDir, p).split(path.sep).join('/');
      const raw = fs.readFileSync(p);
      const copies: [Encoding, Buffer][] = [['identity', raw]];
      for (const [enc, ext] of [
        ['br', '.br'],
        ['gzip', '.gz'],
      ] as const)
        if (fs.existsSync(p + ext)) copies.push([enc, fs.readFileSync(p + ext)]);
      const size = copies.reduce((s, [, b]) => s + b.length, 0);
      if (bytes + size > maxBytes) {
        skipped++;
        continue;
      }
      bytes += size;
      const tag = crypto.createHash('sha256').update(raw).digest('base64url').slice(0, 22);
      const entry: SiteFile = {
        type: TYPES[path.extname(e.name).toLowerCase()] ?? 'application/octet-stream',
        cacheControl: cacheControlFor(rel),
        variants: Object.fromEntries(
          copies.map(([enc, body]) => [enc, { body, etag: `"${tag}${enc === 'identity' ? '' : `-${enc}`}"` }]),
        ),
      };
      files.set(rel, entry);
      if (e.name === 'index.html') files.set(rel.slice(0, -'index.html'.length), entry);
    }
  };
  walk(siteDir);
  return { files, bytes, skipped };
}

/** The best encoding the client accepts among those we have (q=0 refuses one). */
export function negotiate(acceptEncoding: string | undefined, have: Partial<Record<Encoding, unknown>>): Encoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((x) => /^\s*q=([\d.]+)/.exec(x)).find(Boolean);
    if (name) accepted.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (n: string) => (accepted.get(n) ?? accepted.get('*') ?? 0) > 0;
  if (have.br && ok('br')) return 'br';
  if (have.gzip && ok('gzip')) return 'gzip';
  return 'identity';
}

/** Does If-None-Match name this representation (or `*`)? Weak prefixes compare equal, as for GET. */
function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === etag || t === '*');
}

/**
 * Hono middleware answering GET and HEAD for every file in the table; anything else goes on to
 * `next()` (the API, the disk fallback, the 404 page).
 */
export function siteFiles(siteDir: string, opts: { maxBytes: number; stamp?: string }): MiddlewareHandler {
  const stampFile = path.join(siteDir, opts.stamp ?? '.build-stamp');
  const stampOf = () => (fs.existsSync(stampFile) ? fs.statSync(stampFile).mtimeMs : 0);
  let table = fs.existsSync(siteDir) ? loadSite(siteDir, opts.maxBytes) : { files: new Map(), bytes: 0, skipped: 0 };
  let stamp = stampOf();
  let checkedAt = Date.now();

  return async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return next();
    const now = Date.now();
    if (now - checkedAt > 1000) {
      checkedAt = now;
      const current = stampOf();
      if (current !== stamp) {
        stamp = current;
        table = loadSite(siteDir, opts.maxBytes);
      }
    }
    let key = c.req.path;
    try {
      key = decodeURIComponent(key);
    } catch {
      return next();
    }
    const file = table.files.get(key);
    if (!file) return next();
    const encoding = negotiate(c.req.header('accept-encoding'), file.variants);
    const variant = file.variants[encoding]!;
    const headers: Record<string, string> = {
      'Content-Type': file.type,
      'Cache-Control': file.cacheControl,
      ETag: variant.etag,
      Vary: 'Accept-Encoding',
    };
    if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
    const inm = c.req.header('if-none-match');
    if (inm && matches(inm, variant.etag)) return new Response(null, { status: 304, headers });
    headers['Content-Length'] = String(variant.body.length);
    return new Response(method === 'HEAD' ? null : variant.body, { status: 200, headers });
  };
}
