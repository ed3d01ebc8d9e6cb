/**
 * `npm run build`: the Astro site, its Pagefind search index, and the CSP hashes of the few inline
 * scripts Astro emits for islands (so the server's CSP can allow exactly those and nothing else).
 * Env: CONTENT_DIR (default ./content), SITE_OUT (default ./dist/site), OBERIH_MODE (platform|scorm).
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeStamp } from './build-stamp.ts';
import { buildOfflineManifest } from './offline-manifest.ts';
import { buildSync } from 'esbuild';
import { withDirLock } from './dir-lock.ts';
import { precompress } from './precompress.ts';
import { bundleServer } from './server-bundle.ts';

const out = path.resolve(
  process.env.SITE_OUT ?? (process.env.OBERIH_MODE === 'scorm' ? 'dist/scorm-site' : 'dist/site'),
);
const node = process.execPath;

function run(args: string[]) {
  const r = spawnSync(node, args, {
    stdio: 'inherit',
    env: { ...process.env, SITE_OUT: out, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/**
 * Astro keeps generated content modules in the project's `.astro/` folder whatever the content tree,
 * so two builds at once (tests, the SCORM export, the benchmark) would read each other's modules.
 * Builds of this checkout take turns.
 */
let astroStatus = 0;
withDirLock(
  '.tmp/astro-build.lock',
  () => {
    // Not run(): a failed build must still release the lock before the process exits.
    astroStatus =
      spawnSync(node, [path.resolve('node_modules/astro/astro.js'), 'build', '--silent'], {
        stdio: 'inherit',
        env: { ...process.env, SITE_OUT: out, ASTRO_TELEMETRY_DISABLED: '1' },
      }).status ?? 1;
  },
  { what: 'another build of this checkout' },
);
if (astroStatus !== 0) process.exit(astroStatus);
if (process.env.OBERIH_MODE !== 'scorm') {
  run([path.resolve('node_modules/pagefind/lib/runner/bin.cjs'), '--site', out, '--silent']);
}

/** SHA-256 of every inline <script> that runs (not JSON data blocks). */
export function inlineScriptHashes(dir: string): string[] {
  const hashes = new Set<string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) {
        const html = fs.readFileSync(p, 'utf8');
        for (const m of html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)) {
          const attrs = m[1] ?? '';
          if (/\ssrc=/.test(attrs) || /type="application\/(ld\+)?json"/.test(attrs) || !m[2]) continue;
          hashes.add(`'sha256-${crypto.createHash('sha256').update(m[2]).digest('base64')}'`);
        }
      }
    }
  };
  walk(dir);
  return [...hashes].sort();
}

if (process.env.OBERIH_MODE !== 'scorm') {
  // Offline: the manifest of what to cache, and the service worker with this build's version in it.
  const manifest = buildOfflineManifest(out);
  fs.writeFileSync(path.join(out, 'offline-manifest.json'), JSON.stringify(manifest));
  buildSync({
    entryPoints: ['site/sw/service-worker.ts'],
    outfile: path.join(out, 'sw.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    define: { VERSION: JSON.stringify(manifest.version) },
  });
}

// The server, compiled once (see scripts/server-bundle.ts).
if (process.env.OBERIH_MODE !== 'scorm' && !process.env.SKIP_SERVER_BUNDLE) bundleServer();

const hashes = inlineScriptHashes(out);
fs.writeFileSync(path.join(out, 'csp-hashes.json'), JSON.stringify(hashes));
// The server answers with these copies (api/static/site-files.ts); a SCORM site is zipped instead.
if (process.env.OBERIH_MODE !== 'scorm') precompress(out);
writeStamp(out);
console.log(`built ${out} (${hashes.length} inline script hash(es) for the CSP)`);
