/** What a built page makes the browser download: its scripts (with their imports) and other assets. */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const gz = (buf: Buffer | string) => zlib.gzipSync(buf, { level: 9 }).length;

/** Every JS file a page loads: script src, island component/renderer urls, and their static imports. */
export function pageScripts(
  siteDir: string,
  htmlFile: string,
  withDynamic = false,
): { files: string[]; inline: string[] } {
  const html = fs.readFileSync(htmlFile, 'utf8');
  const urls = new Set<string>();
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) urls.add(m[1]!);
  for (const m of html.matchAll(/\b(?:component-url|renderer-url|before-hydration-url)="([^"]+)"/g))
    if (m[1]) urls.add(m[1]);
  const inline = [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)]
    .filter((m) => !/\ssrc=|application\/(ld\+)?json/.test(m[1] ?? '') && m[2])
    .map((m) => m[2]!);
  const files = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file) || !fs.existsSync(file)) return;
    files.add(file);
    const js = fs.readFileSync(file, 'utf8');
    for (const m of js.matchAll(/(?:import|export)\s*(?:[\w*{}\s,$]*from\s*)?["']([^"']+\.js)["']/g))
      visit(path.resolve(path.dirname(file), m[1]!));
    if (withDynamic)
      for (const m of js.matchAll(/import\(\s*["']([^"']+\.js)["']\s*\)/g))
        visit(path.resolve(path.dirname(file), m[1]!));
  };
  for (const u of urls) if (u.startsWith('/')) visit(path.join(siteDir, u));
  return { files: [...files], inline };
}

/** Total gzip bytes of a page's JavaScript (files + inline bootstraps). */
export function pageJsGzip(siteDir: string, htmlFile: string): number {
  const { files, inline } = pageScripts(siteDir, htmlFile);
  return files.reduce((s, f) => s + gz(fs.readFileSync(f)), 0) + inline.reduce((s, code) => s + gz(code), 0);
}

export function htmlFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.html')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Site-relative URLs of everything a page needs offline: its scripts (with lazy chunks), images, icons, stylesheets. */
export function pageAssets(siteDir: string, htmlFile: string): string[] {
  const html = fs.readFileSync(htmlFile, 'utf8');
  const urls = new Set(
    pageScripts(siteDir, htmlFile, true).files.map((f) => '/' + path.relative(siteDir, f).split(path.sep).join('/')),
  );
  for (const m of html.matchAll(/<(?:link|img|source)\b[^>]*\b(?:href|src)="(\/[^"#?]+)"/g)) {
    if (fs.existsSync(path.join(siteDir, m[1]!)) && !m[1]!.endsWith('/')) urls.add(m[1]!);
  }
  return [...urls];
}
