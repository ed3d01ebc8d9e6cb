/** Builds the sites the browser tests need, once per run, only when their sources changed. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isBuildStale } from '../scripts/build-stamp.ts';

export const FIXTURE_SITE = path.resolve('.tmp/fixture-site');
export const REAL_SITE = path.resolve('dist/site');

function build(env: Record<string, string>, out: string) {
  if (!isBuildStale(out) && !process.env.FORCE_BUILD) return;
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/build.ts'], { stdio: 'inherit', env: { ...process.env, ...env, SITE_OUT: out } });
  if (r.status !== 0) throw new Error(`site build failed for ${out}`);
}

/** Several test runs may start at once (developers, agents): builds take turns through a lock folder. */
function withLock(fn: () => void) {
  const lock = path.resolve('.tmp/build.lock');
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another build');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try { fn(); } finally { fs.rmSync(lock, { recursive: true, force: true }); }
}

export default function setup() {
  withLock(build_all);
}

function build_all() {
  build({ CONTENT_DIR: 'tests/fixtures/content' }, FIXTURE_SITE);
  // SKIP_REAL_BUILD=1 while courses are being written; CI always builds the real site.
  if (process.env.SKIP_REAL_BUILD !== '1') build({ CONTENT_DIR: 'content' }, REAL_SITE);
}
