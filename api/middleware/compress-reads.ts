/**
 * API reads (GET) gzipped for clients that accept gzip, when the answer is worth compressing (a
 * 500-learner report is ~0.5 MB of JSON; most answers are a few hundred bytes).
 *
 * Hono's `compress()` was used before. Its size threshold reads `Content-Length`, which `c.json()` does
 * not set, so every answer went through a `CompressionStream`, however small, and left the server as a
 * stream: `GET /api/health` ran at ~1,370 req/s with gzip accepted against ~3,700 for a comparable
 * one-query route without it (PostgreSQL bench, 5 Dec 2026). Here a JSON answer (always built in
 * memory) is read once; below `threshold` bytes it goes out as it was (with a length), above it is
 * gzipped on libuv's thread pool (`zlib.gzip`, off the event loop) and sent as one buffer with its
 * length. Other text (the CSV exports, produced chunk by chunk as the client reads) is compressed as a
 * stream, so a large export is never held in memory.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import { negotiate } from '../static/site-files.ts';

const gzip = promisify(zlib.gzip);
const JSON_TYPE = /^application\/(json|problem\+json)/i;
const STREAMED_TYPE = /^(text\/|application\/xml)/i;

export function compressReads(threshold = 1024): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method !== 'GET') return next();
    // Set before the handler builds its response (added afterwards, Hono would rebuild the response
    // around its body as a stream).
    c.header('Vary', 'Accept-Encoding');
    await next();
    const res = c.res;
    if (
      negotiate(c.req.header('accept-encoding'), { gzip: true }) !== 'gzip' ||
      !res.body ||
      res.status === 204 ||
      res.status === 206 ||
      res.status === 304 ||
      res.headers.has('Content-Encoding') ||
      /(^|,)\s*no-transform\s*(,|$)/i.test(res.headers.get('Cache-Control') ?? '')
    )
      return;
    const type = res.headers.get('Content-Type') ?? '';
    if (STREAMED_TYPE.test(type)) {
      const headers = new Headers(res.headers);
      headers.delete('Content-Length');
      headers.set('Content-Encoding', 'gzip');
      c.res = new Response(res.body.pipeThrough(new CompressionStream('gzip')), { status: res.status, headers });
      return;
    }
    if (!JSON_TYPE.test(type)) return;
    const length = res.headers.get('Content-Length');
    if (length && Number(length) < threshold) return;
    const body = new Uint8Array(await res.arrayBuffer());
    const headers = new Headers(res.headers);
    if (body.byteLength < threshold) {
      headers.set('Content-Length', String(body.byteLength));
      c.res = new Response(body, { status: res.status, headers });
      return;
    }
    const zipped = new Uint8Array(await gzip(body));
    headers.set('Content-Encoding', 'gzip');
    headers.set('Content-Length', String(zipped.byteLength));
    const etag = headers.get('ETag');
    if (etag && !etag.startsWith('W/')) headers.set('ETag', `W/${etag}`);
    c.res = new Response(zipped, { status: res.status, headers });
  };
}
