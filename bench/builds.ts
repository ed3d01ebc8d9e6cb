/**
 * Build and export, timed and with peak memory: the full site build, every SCORM package, and the
 * build at 10× / 50× the modules (synthetic courses: copies of the real ones under new ids, so every
 * page, quiz and scenario is real content). Builds take turns with the test suite's builds through
 * the same lock folder (`.tmp/build.lock`), because Astro writes `.astro/` in the checkout; time
 * spent waiting for the lock is not measured.
 */
import fs from 'node:fs';
import path from 'node:path';
import { withDirLockAsync } from '../scripts/dir-lock.ts';
import { runMeasured, tsxArgs, type Measured } from './proc.ts';

const withLock = <T>(fn: () => Promise<T>) => withDirLockAsync('.tmp/build.lock', fn);

/** Astro's cache folder for a content tree (see astro.config.mjs): removed after a throw-away tree's build. */
const astroCache = (contentDir: string, mode = 'platform') =>
  path.resolve(`node_modules/.astro/${mode}-${contentDir.replace(/[^a-z0-9]+/gi, '_')}`);

export interface BuildFigure {
  seconds: number;
  peakTreeRssMB: number;
  maxProcessHwmMB: number;
  ok: boolean;
  error?: string;
}

const figure = (m: Measured): BuildFigure => ({
  seconds: Math.round(m.seconds * 10) / 10,
  peakTreeRssMB: Math.round(m.peakTreeRssMB),
  maxProcessHwmMB: Math.round(m.maxProcessHwmMB),
  ok: m.ok,
  ...(m.ok ? {} : { error: m.output.slice(-1500) }),
});

export function buildSite(siteOut: string, contentDir = 'content'): Promise<BuildFigure> {
  return withLock(async () =>
    figure(
      await runMeasured(process.execPath, tsxArgs('scripts/build.ts'), {
        SITE_OUT: siteOut,
        CONTENT_DIR: contentDir,
        OBERIH_MODE: 'platform',
      }),
    ),
  );
}

/** `npm run export:scorm` (its own SCORM-mode build included) into a temporary folder. */
export async function exportScorm(
  work: string,
): Promise<BuildFigure & { packages: { file: string; KB: number }[]; retried?: boolean }> {
  if (!fs.existsSync('scripts/export-scorm.ts'))
    return {
      seconds: 0,
      peakTreeRssMB: 0,
      maxProcessHwmMB: 0,
      ok: false,
      error: 'scripts/export-scorm.ts does not exist',
      packages: [],
    };
  const out = path.join(work, 'scorm');
  const exportOnce = () =>
    withLock(async () =>
      runMeasured(process.execPath, tsxArgs('scripts/export-scorm.ts', '--out', out), {
        SCORM_SITE_OUT: path.join(work, 'scorm-site'),
        CONTENT_DIR: 'content',
      }),
    );
  let m = await exportOnce();
  // Astro's content layer has failed once here when another process built the same tree meanwhile:
  // one retry, reported as such.
  const retried = !m.ok;
  if (retried) m = await exportOnce();
  const packages = fs.existsSync(out)
    ? fs
        .readdirSync(out)
        .filter((f) => f.endsWith('.zip'))
        .map((f) => ({ file: f, KB: Math.round(fs.statSync(path.join(out, f)).size / 1024) }))
    : [];
  return { ...figure(m), packages, retried };
}

/** A copy of `content/` whose courses are repeated `factor` times (copies get ids `<slug>-x<k>`). */
export function syntheticContent(dir: string, factor: number): { modules: number; courses: number } {
  fs.cpSync('content', dir, { recursive: true });
  const slugs = fs
    .readdirSync(path.join(dir, 'courses'))
    .filter((s) => fs.existsSync(path.join(dir, 'courses', s, 'course.yaml')));
  for (let k = 2; k <= factor; k++) {
    for (const slug of slugs) {
      const to = path.join(dir, 'courses', `${slug}-x${k}`);
      fs.cpSync(path.join(dir, 'courses', slug), to, { recursive: true });
      const file = path.join(to, 'course.yaml');
      const yaml = fs.readFileSync(file, 'utf8');
      if (!/^id: .+$/m.test(yaml)) throw new Error(`${file} has no "id:" line`);
      fs.writeFileSync(
        file,
        yaml.replace(/^id: .+$/m, `id: ${slug}-x${k}`).replace(/^(\s+(?:uk|en): ")(.*?)("\s*)$/m, `$1$2 (×${k})$3`),
      );
    }
  }
  const courses = fs
    .readdirSync(path.join(dir, 'courses'))
    .filter((s) => fs.existsSync(path.join(dir, 'courses', s, 'course.yaml')));
  const modules = courses.reduce(
    (s, c) =>
      s +
      (/^modules: \[(.*)\]$/m
        .exec(fs.readFileSync(path.join(dir, 'courses', c, 'course.yaml'), 'utf8'))?.[1]
        ?.split(',').length ?? 0),
    0,
  );
  return { modules, courses: courses.length };
}

/** Build a synthetic tree `factor` × the modules, then remove it, its output and its Astro cache. */
export async function buildScaled(
  work: string,
  factor: number,
): Promise<BuildFigure & { factor: number; modules: number; courses: number; pages: number }> {
  const contentDir = path.join(work, `content-${factor}x`);
  const out = path.join(work, `site-${factor}x`);
  const { modules, courses } = syntheticContent(contentDir, factor);
  try {
    const f = await buildSite(out, contentDir);
    const pages = fs.existsSync(out) ? countHtml(out) : 0;
    return { factor, modules, courses, pages, ...f };
  } finally {
    fs.rmSync(contentDir, { recursive: true, force: true });
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(astroCache(contentDir), { recursive: true, force: true });
  }
}

const countHtml = (d: string): number =>
  fs
    .readdirSync(d, { withFileTypes: true })
    .reduce((s, e) => s + (e.isDirectory() ? countHtml(path.join(d, e.name)) : e.name.endsWith('.html') ? 1 : 0), 0);
