/** Builds the sites the browser tests need, once per run, only when their sources changed. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { isBuildStale } from '../scripts/build-stamp.ts';
import { withDirLock } from '../scripts/dir-lock.ts';

export const FIXTURE_SITE = path.resolve('.tmp/fixture-site');
export const REAL_SITE = path.resolve('dist/site');

function build(env: Record<string, string>, out: string) {
  if (!isBuildStale(out) && !process.env.FORCE_BUILD) return;
  const r = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/build.ts'], {
    stdio: 'inherit',
    env: { ...process.env, ...env, SITE_OUT: out },
  });
  if (r.status !== 0) throw new Error(`site build failed for ${out}`);
}

export default function setup() {
  // Several test runs may start at once (developers, agents): they build in turn.
  withDirLock('.tmp/build.lock', buildAll, { waitMs: 10 * 60_000 });
}

function buildAll() {
  // The fixture pool is deliberately small (8 questions drawn 8 at a time): the pool rules only report there.
  build({ CONTENT_DIR: 'tests/fixtures/content', OBERIH_POOL_RULE: 'warn' }, FIXTURE_SITE);
  // SKIP_REAL_BUILD=1 while courses are being written; CI always builds the real site, where the pool
  // rules (issue #18, item 3) fail the build.
  if (process.env.SKIP_REAL_BUILD !== '1') build({ CONTENT_DIR: 'content' }, REAL_SITE);
}
