/**
 * The built site's weight (HTML, CSS, JS; gzip -9, as `scripts/page-assets.ts` and the JS-budget test
 * measure it) and Lighthouse (mobile preset: the default config's emulated phone and simulated slow
 * 4G) for the home page, a module with a quiz and the instructor dashboard.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { htmlFiles, pageScripts } from '../scripts/page-assets.ts';
import { CHROMIUM_PATH, withUnusedFeaturesOff } from '../tests/helpers/chromium.ts';

const gz = (b: Buffer | string) => zlib.gzipSync(b, { level: 9 }).length;
const kb = (bytes: number) => Math.round((bytes / 1024) * 10) / 10;

export interface PageWeight {
  page: string;
  /** gzip KB */
  html: number;
  css: number;
  js: number;
  total: number;
}

/** Per-page weights: the HTML (inline styles included, as they ship), its CSS and its JS (static imports). */
function weigh(siteDir: string, file: string): PageWeight & { bytes: number } {
  const html = fs.readFileSync(file, 'utf8');
  const inlineCss = [...html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)].map((m) => m[1]!).join('');
  const linkedCss = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="(\/[^"]+)"/g)]
    .map((m) => path.join(siteDir, m[1]!))
    .filter((f) => fs.existsSync(f));
  const css = gz(inlineCss) * (inlineCss ? 1 : 0) + linkedCss.reduce((s, f) => s + gz(fs.readFileSync(f)), 0);
  const { files, inline } = pageScripts(siteDir, file);
  const js = files.reduce((s, f) => s + gz(fs.readFileSync(f)), 0) + inline.reduce((s, c) => s + gz(c), 0);
  const htmlGz = gz(html);
  const page =
    '/' +
    path
      .relative(siteDir, file)
      .split(path.sep)
      .join('/')
      .replace(/index\.html$/, '');
  // HTML already contains its inline CSS: the page's total is the HTML, linked CSS and JS.
  return {
    page,
    html: kb(htmlGz),
    css: kb(css),
    js: kb(js),
    total: kb(htmlGz + linkedCss.reduce((s, f) => s + gz(fs.readFileSync(f)), 0) + js),
    bytes: htmlGz,
  };
}

export function siteWeights(siteDir: string, moduleIds: Set<string>) {
  const pages = htmlFiles(siteDir).map((f) => weigh(siteDir, f));
  const isModule = (p: string) => {
    const m = /^\/(uk|en)\/courses\/[^/]+\/([^/]+)\/$/.exec(p);
    return !!m && moduleIds.has(m[2]!);
  };
  const modules = pages.filter((p) => isModule(p.page));
  const largestModule = [...modules].sort((a, b) => b.total - a.total)[0] ?? null;
  const diskBytes = (d: string): number =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .reduce(
        (s, e) => s + (e.isDirectory() ? diskBytes(path.join(d, e.name)) : fs.statSync(path.join(d, e.name)).size),
        0,
      );
  const jsFiles = fs.readdirSync(path.join(siteDir, '_astro')).filter((f) => f.endsWith('.js'));
  const pick = (p: string) => pages.find((x) => x.page === p);
  return {
    pages: pages.length,
    modulePages: modules.length,
    totals: {
      diskMB: Math.round((diskBytes(siteDir) / 1024 / 1024) * 10) / 10,
      htmlGzipKB: kb(pages.reduce((s, p) => s + p.bytes, 0)),
      jsFiles: jsFiles.length,
      jsGzipKB: kb(jsFiles.reduce((s, f) => s + gz(fs.readFileSync(path.join(siteDir, '_astro', f))), 0)),
    },
    averageModulePage: modules.length
      ? {
          html: kb((modules.reduce((s, p) => s + p.html, 0) * 1024) / modules.length),
          js: kb((modules.reduce((s, p) => s + p.js, 0) * 1024) / modules.length),
        }
      : null,
    largestModule: largestModule && strip(largestModule),
    selected: [
      '/uk/',
      '/uk/courses/initial-online-abuse/',
      '/uk/courses/initial-online-abuse/first-response/',
      '/uk/courses/initial-online-abuse/wellbeing-ethics/',
      '/uk/courses/initial-online-abuse/assessment/',
      '/uk/my/',
      '/uk/instructor/cohort/',
    ]
      .map(pick)
      .filter((p): p is NonNullable<typeof p> => !!p)
      .map(strip),
    heaviest: [...pages]
      .sort((a, b) => b.total - a.total)
      .slice(0, 5)
      .map(strip),
  };
}

const strip = ({ bytes: _bytes, ...rest }: PageWeight & { bytes: number }): PageWeight => rest;

export interface LighthouseResult {
  page: string;
  url: string;
  performance: number | null;
  accessibility: number | null;
  fcpMs: number | null;
  lcpMs: number | null;
  tbtMs: number | null;
  /** Speed Index. */
  siMs: number | null;
  cls: number | null;
  /** Scripts the page really loaded (from Lighthouse's network log), gzip -9 of the built files, KB. */
  jsGzipKB: number;
  failedAudits: string[];
  error?: string;
}

/**
 * Lighthouse 12 (mobile preset) with Debian's Chromium, one fresh browser per page. `onReport`, when
 * given, receives each page's full Lighthouse result (bench/dashboard-lighthouse.ts reads the
 * main-thread breakdown and the long tasks from it).
 */
export async function lighthouse(
  siteDir: string,
  targets: { page: string; url: string; cookie?: string }[],
  onReport?: (page: string, lhr: import('lighthouse').Result) => void,
): Promise<LighthouseResult[]> {
  const { default: run } = await import('lighthouse');
  const chromeLauncher = await import('chrome-launcher');
  const out: LighthouseResult[] = [];
  for (const t of targets) {
    // chrome-launcher's own flags, with the browser's unused interface switched off (tests/helpers/chromium.ts).
    const chrome = await chromeLauncher.launch({
      chromePath: CHROMIUM_PATH,
      ignoreDefaultFlags: true,
      chromeFlags: withUnusedFeaturesOff([
        ...chromeLauncher.Launcher.defaultFlags(),
        '--disable-setuid-sandbox',
        '--headless=new',
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-gpu',
      ]),
    });
    try {
      const r = await run(t.url, {
        port: chrome.port,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['performance', 'accessibility'],
        ...(t.cookie ? { extraHeaders: { Cookie: t.cookie } } : {}),
      });
      const lhr = r!.lhr;
      onReport?.(t.page, lhr);
      const audit = (id: string) => lhr.audits[id]?.numericValue ?? null;
      const requests = (
        (lhr.audits['network-requests']?.details as { items?: { url: string; resourceType?: string }[] } | undefined)
          ?.items ?? []
      ).filter((i) => i.resourceType === 'Script');
      const js = requests
        .map((i) => new URL(i.url).pathname)
        .filter((p) => p.startsWith('/_astro/') && fs.existsSync(path.join(siteDir, p)))
        .reduce((s, p) => s + gz(fs.readFileSync(path.join(siteDir, p))), 0);
      const failed = Object.values(lhr.audits)
        .filter(
          (a) =>
            a.score !== null &&
            a.score < 1 &&
            (a.scoreDisplayMode === 'binary' || a.scoreDisplayMode === 'numeric') &&
            lhr.categories.accessibility?.auditRefs.some((ref) => ref.id === a.id),
        )
        .map((a) => a.id);
      out.push({
        page: t.page,
        url: new URL(t.url).pathname + new URL(t.url).search,
        performance: lhr.categories.performance?.score ?? null,
        accessibility: lhr.categories.accessibility?.score ?? null,
        fcpMs: round(audit('first-contentful-paint')),
        lcpMs: round(audit('largest-contentful-paint')),
        tbtMs: round(audit('total-blocking-time')),
        siMs: round(audit('speed-index')),
        cls:
          audit('cumulative-layout-shift') === null
            ? null
            : Math.round(audit('cumulative-layout-shift')! * 1000) / 1000,
        jsGzipKB: kb(js),
        failedAudits: failed,
      });
    } catch (e) {
      out.push({
        page: t.page,
        url: t.url,
        performance: null,
        accessibility: null,
        fcpMs: null,
        lcpMs: null,
        tbtMs: null,
        siMs: null,
        cls: null,
        jsGzipKB: 0,
        failedAudits: [],
        error: (e as Error).message,
      });
    } finally {
      chrome.kill();
    }
  }
  return out;
}

const round = (x: number | null) => (x === null ? null : Math.round(x));
