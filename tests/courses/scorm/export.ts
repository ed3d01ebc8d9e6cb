/** Build a SCORM-mode site and export its packages with the real CLI, for the SCORM tests. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Site builds share `.astro/` with every other build in the checkout: take turns (same lock as tests/global-setup.ts). */
function withBuildLock<T>(fn: () => T): T {
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
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

const tsx = path.resolve('node_modules/tsx/dist/cli.mjs');

/** `npm run export:scorm` for `contentDir` into `dir/out` (site built into `dir/site`); returns the CLI's output. */
export function exportPackages(contentDir: string, dir: string, args: string[] = []): { out: string; stdout: string } {
  const site = path.join(dir, 'site');
  const out = path.join(dir, 'out');
  // Pool rules only report here: the test pools are small by design, the real ones grow in issue #18.
  const env = {
    ...process.env,
    CONTENT_DIR: contentDir,
    SCORM_SITE_OUT: site,
    ASTRO_TELEMETRY_DISABLED: '1',
    OBERIH_POOL_RULE: 'warn',
  };
  withBuildLock(() => {
    fs.rmSync(site, { recursive: true, force: true });
    const build = () =>
      spawnSync(process.execPath, [tsx, 'scripts/build.ts'], {
        env: { ...env, OBERIH_MODE: 'scorm', SITE_OUT: site },
        encoding: 'utf8',
      });
    // One retry: a build started outside the test lock (a developer's `npm run build`) shares `.astro/`.
    let b = build();
    if (b.status !== 0) b = build();
    // Astro keeps one cache per content tree (astro.config.mjs): drop this temporary tree's.
    fs.rmSync(path.resolve('node_modules/.astro', `scorm-${contentDir.replace(/[^a-z0-9]+/gi, '_')}`), {
      recursive: true,
      force: true,
    });
    if (b.status !== 0) throw new Error(`SCORM site build failed:\n${b.stdout}\n${b.stderr}`);
  });
  const r = spawnSync(process.execPath, [tsx, 'scripts/export-scorm.ts', '--no-build', '--out', out, ...args], {
    env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`export:scorm failed:\n${r.stdout}\n${r.stderr}`);
  return { out, stdout: r.stdout };
}
