/**
 * What the service worker caches: the app shell (home, catalogue, My learning, sign-in, glossary,
 * help, verification, 404, in both locales) and, per course and locale, every page and asset of
 * that course, with its size so the site can show it before saving. The version is a hash of the
 * whole build, so a new build installs as a whole into new caches (never a mix of versions).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { htmlFiles, pageAssets } from './page-assets.ts';

export interface OfflineManifest {
  version: string;
  shell: string[];
  courses: Record<string, { urls: string[]; bytes: number }>;
}

const SHELL_PAGES = ['', 'courses/', 'my/', 'login/', 'glossary/', 'help/', 'verify/', '404/'];

export function buildOfflineManifest(siteDir: string): OfflineManifest {
  const pages = htmlFiles(siteDir).map((f) => ({
    file: f,
    url:
      '/' +
      path
        .relative(siteDir, f)
        .split(path.sep)
        .join('/')
        .replace(/index\.html$/, ''),
  }));
  const urlsFor = (list: typeof pages) => {
    const set = new Set<string>();
    for (const p of list) {
      set.add(p.url);
      for (const a of pageAssets(siteDir, p.file)) set.add(a);
    }
    return [...set].sort();
  };
  const size = (urls: string[]) =>
    urls.reduce((s, u) => s + fs.statSync(path.join(siteDir, u.endsWith('/') ? `${u}index.html` : u)).size, 0);
  const shellPages = pages.filter((p) => ['uk', 'en'].some((l) => SHELL_PAGES.some((s) => p.url === `/${l}/${s}`)));
  const shell = [
    ...new Set([
      ...urlsFor(shellPages),
      ...[
        '/favicon.svg',
        '/manifest-uk.webmanifest',
        '/manifest-en.webmanifest',
        '/icon-192.png',
        '/icon-512.png',
      ].filter((u) => fs.existsSync(path.join(siteDir, u))),
    ]),
  ].sort();
  const courses: OfflineManifest['courses'] = {};
  for (const p of pages) {
    const m = /^\/(uk|en)\/courses\/([a-z0-9-]+)\/([a-z0-9-]+\/)*$/.exec(p.url);
    if (
      !m ||
      !fs.existsSync(path.join(siteDir, m[1]!, 'courses', m[2]!, 'index.html')) ||
      ['initial', 'in-service', 'prevention'].includes(m[2]!)
    )
      continue;
    const key = `${m[2]}/${m[1]}`;
    courses[key] ??= { urls: [], bytes: 0 };
  }
  for (const key of Object.keys(courses)) {
    const [slug, locale] = key.split('/');
    const urls = urlsFor(pages.filter((p) => p.url.startsWith(`/${locale}/courses/${slug}/`)));
    courses[key] = { urls, bytes: size(urls) };
  }
  const hash = crypto.createHash('sha256');
  for (const f of [...shell, ...Object.values(courses).flatMap((c) => c.urls)].sort()) {
    hash.update(f);
    hash.update(fs.readFileSync(path.join(siteDir, f.endsWith('/') ? `${f}index.html` : f)));
  }
  return { version: hash.digest('hex').slice(0, 16), shell, courses };
}
