/**
 * Turning the SCORM-mode site's pages into a self-contained package. Astro emits root-absolute URLs
 * (`/_astro/x.js`, `/uk/courses/…/`) and directory links; an LMS serves a package from some deep
 * path (Moodle: `pluginfile.php/…/content/0/`) where neither works, so every URL becomes relative
 * and points at a file (`…/index.html`). Links to pages outside the package must not navigate the
 * SCO away: in the header they are dropped, elsewhere they become plain text; web links open in a
 * new window. Pure string work, no I/O.
 */
import { posix } from 'node:path';

export type Resolved =
  | { kind: 'keep' }
  | { kind: 'external' }
  | { kind: 'inside'; path: string; href: string }
  | { kind: 'outside'; path: string };

/** Where `url`, written in package page `page`, points. */
export function resolveUrl(url: string, page: string, files: ReadonlySet<string>): Resolved {
  const u = url.trim().replace(/&amp;/g, '&');
  if (u === '' || u.startsWith('#')) return { kind: 'keep' };
  if (/^(https?:)?\/\//i.test(u)) return { kind: 'external' };
  if (/^[a-z][a-z0-9+.-]*:/i.test(u)) return { kind: 'keep' }; // mailto:, tel:, data:
  const hashAt = u.indexOf('#');
  const hash = hashAt >= 0 ? u.slice(hashAt) : '';
  const pathPart = (hashAt >= 0 ? u.slice(0, hashAt) : u).split('?')[0]!;
  let abs = pathPart.startsWith('/')
    ? pathPart
    : posix.join(posix.dirname(`/${page}`), pathPart) + (pathPart.endsWith('/') || pathPart === '' ? '/' : '');
  abs = posix.normalize(abs);
  if (abs.endsWith('/')) abs += 'index.html';
  let path: string;
  try {
    path = decodeURIComponent(abs.slice(1));
  } catch {
    path = abs.slice(1);
  }
  if (!files.has(path)) return { kind: 'outside', path };
  const rel = posix.relative(posix.dirname(page), path) || posix.basename(path);
  return { kind: 'inside', path, href: rel.split('/').map(encodeURIComponent).join('/') + hash };
}

const URL_ATTRS = ['href', 'src', 'action', 'component-url', 'renderer-url', 'before-hydration-url'];

/** Package paths of the files a page loads (scripts, island code, icons, styles). */
export function pageAssets(html: string, page: string, files: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const m of html.matchAll(/<(script|link)\b[^>]*>/g)) {
    const tag = m[0];
    if (m[1] === 'link' && !/rel="(icon|stylesheet|modulepreload)"/.test(tag)) continue;
    const v = /\s(?:src|href)="([^"]*)"/.exec(tag)?.[1];
    if (v) {
      const r = resolveUrl(v, page, files);
      if (r.kind === 'inside') out.add(r.path);
    }
  }
  for (const m of html.matchAll(/\s(?:component-url|renderer-url|before-hydration-url)="([^"]+)"/g)) {
    const r = resolveUrl(m[1]!, page, files);
    if (r.kind === 'inside') out.add(r.path);
  }
  return [...out];
}

/** Files a JS chunk imports (static and dynamic, as Vite writes them: `"./x.js"`). */
export function scriptImports(js: string, file: string): string[] {
  const out = new Set<string>();
  for (const m of js.matchAll(/(?:import|from)\s*\(?\s*["'](\.{1,2}\/[^"']+\.js)["']/g))
    out.add(posix.normalize(posix.join(posix.dirname(file), m[1]!)));
  return [...out];
}

/** Rewrite a page's URLs for the package. Throws when a script or asset it needs is missing. */
export function rewriteHtml(html: string, page: string, files: ReadonlySet<string>): string {
  const resolve = (v: string) => resolveUrl(v, page, files);
  // <link>: icons and styles become relative; alternates and web manifests outside the package are dropped.
  html = html.replace(/<link\b[^>]*>/g, (tag) => {
    const href = /\shref="([^"]*)"/.exec(tag)?.[1];
    if (href === undefined) return tag;
    const r = resolve(href);
    if (r.kind === 'outside') return '';
    if (r.kind === 'external')
      throw new Error(`${page}: <link href="${href}"> would load from the network; a package must work offline`);
    return r.kind === 'inside' ? tag.replace(/\shref="[^"]*"/, ` href="${r.href}"`) : tag;
  });
  // The site header's menu: entries that would leave the package are dropped.
  html = html.replace(/<header\b[\s\S]*?<\/header>/, (header) =>
    header.replace(/<li>\s*<a\b([^>]*)>[\s\S]*?<\/a>\s*<\/li>/g, (li, attrs: string) => {
      const href = /\shref="([^"]*)"/.exec(attrs)?.[1];
      return href !== undefined && resolve(href).kind === 'outside' ? '' : li;
    }),
  );
  // Anchors: inside → relative file link; outside → plain text; web → new window.
  html = html.replace(/<a\b([^>]*)>([\s\S]*?)<\/a>/g, (a, attrs: string, inner: string) => {
    const href = /\shref="([^"]*)"/.exec(attrs)?.[1];
    if (href === undefined) return a;
    const r = resolve(href);
    if (r.kind === 'outside') return `<span class="outside-link">${inner}</span>`;
    if (r.kind === 'external') {
      const rest = attrs.replace(/\s(target|rel)="[^"]*"/g, '');
      return `<a${rest} target="_blank" rel="noopener external">${inner}</a>`;
    }
    if (r.kind === 'inside') return `<a${attrs.replace(/\shref="[^"]*"/, ` href="${r.href}"`)}>${inner}</a>`;
    return a;
  });
  // Every other URL attribute.
  html = html.replace(
    new RegExp(`\\s(${URL_ATTRS.filter((a) => a !== 'href').join('|')})="([^"]*)"`, 'g'),
    (whole, attr: string, v: string) => {
      const r = resolve(v);
      if (r.kind === 'inside') return ` ${attr}="${r.href}"`;
      if (r.kind === 'outside') {
        if (attr === 'action') return '';
        throw new Error(`${page}: ${attr}="${v}" points at ${r.path}, which is not in the package`);
      }
      if (r.kind === 'external')
        throw new Error(`${page}: ${attr}="${v}" would load from the network; a package must work offline`);
      return whole;
    },
  );
  // CSS url(/…) in inline styles.
  html = html.replace(/url\((["']?)(\/[^"')]+)\1\)/g, (whole, q: string, v: string) => {
    const r = resolve(v);
    return r.kind === 'inside' ? `url(${q}${r.href}${q})` : whole;
  });
  return html;
}

/**
 * Vite's preload helper turns `_astro/x.js` into `/_astro/x.js` (root-absolute) before adding
 * `<link rel=modulepreload>`: resolve it against the helper's own URL instead (it lives in `_astro/`).
 */
export function rewriteScript(js: string, file: string): string {
  const fixed = js.replace(
    /function\((\w+)\)\{return"\/"\+\1\}/g,
    (_, v: string) => `function(${v}){return new URL("../"+${v},import.meta.url).href}`,
  );
  if (/["'`]\/_astro\//.test(fixed) || /return"\/"\+\w+\}/.test(fixed))
    throw new Error(`${file}: a root-absolute /_astro/ URL is left in the script`);
  // A service worker registered from a package would take over pages of the LMS's own origin.
  if (/serviceWorker\.register\(/.test(fixed))
    throw new Error(`${file}: registers a service worker; SCORM pages must not (render it only when MODE !== 'scorm')`);
  return fixed;
}
