/** Decides whether the built site is older than its sources. */
import fs from 'node:fs';
import path from 'node:path';

/** What the build (site + compiled server) is made from. */
export const SOURCES = ['content', 'site', 'courses', 'api', 'db', 'scripts', 'astro.config.mjs', 'package.json'];
export const STAMP = '.build-stamp';

function newest(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const e of fs.readdirSync(p)) max = Math.max(max, newest(path.join(p, e)));
  return max;
}

export function isBuildStale(siteDir: string): boolean {
  const stamp = path.join(siteDir, STAMP);
  if (!fs.existsSync(stamp)) return true;
  const built = fs.statSync(stamp).mtimeMs;
  return SOURCES.some((s) => newest(s) > built);
}

export function writeStamp(siteDir: string) {
  fs.writeFileSync(path.join(siteDir, STAMP), new Date().toISOString());
}
