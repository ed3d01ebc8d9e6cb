/**
 * Brotli and gzip copies of every compressible file of a built site, made once at build so the server
 * never compresses a page or an asset per request. A copy is kept only when it is smaller.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Text formats worth compressing (images, fonts and Pagefind's own gzipped chunks are not). */
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.json', '.svg', '.webmanifest', '.xml', '.txt']);

export function precompress(dir: string): { files: number; raw: number; br: number; gz: number } {
  const totals = { files: 0, raw: 0, br: 0, gz: 0 };
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (COMPRESSIBLE.has(path.extname(e.name))) {
        const raw = fs.readFileSync(p);
        const br = zlib.brotliCompressSync(raw, {
          params: {
            [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
            [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
            [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
          },
        });
        const gz = zlib.gzipSync(raw, { level: 9 });
        totals.files++;
        totals.raw += raw.length;
        // A stale copy from an earlier build must never outlive its file.
        for (const [ext, data] of [
          ['.br', br],
          ['.gz', gz],
        ] as const) {
          if (data.length < raw.length) {
            fs.writeFileSync(p + ext, data);
            totals[ext === '.br' ? 'br' : 'gz'] += data.length;
          } else fs.rmSync(p + ext, { force: true });
        }
      }
    }
  };
  walk(dir);
  return totals;
}
