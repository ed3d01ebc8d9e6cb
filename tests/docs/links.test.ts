/**
 * Every relative link in the project's Markdown points at something that exists: a file or folder in
 * the repository and, with a `#fragment`, a heading of that file. Web links are not followed (no network).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve('.');

/** Tracked and untracked-but-not-ignored Markdown files, as a clone would have them. */
function markdownFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter(Boolean)
    .filter((f) => !f.startsWith('node_modules/') && fs.existsSync(path.join(root, f)));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  const text = fs.readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n ? `${base}-${n}` : base);
  }
  return result;
}

/** `[text](target)` links outside code blocks and inline code. */
export function links(markdown: string): string[] {
  const text = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('documentation links', () => {
  const files = markdownFiles();

  it('finds the README, SECURITY.md, the authors guide and the docs folder', () => {
    expect(files).toEqual(expect.arrayContaining(['README.md', 'SECURITY.md', 'content/README.md']));
    expect(files.filter((f) => f.startsWith('docs/')).length).toBeGreaterThanOrEqual(5);
  });

  it('the link finder sees links and ignores code', () => {
    expect(links('See [a](docs/a.md#x) and `[b](no.md)`.\n```\n[c](no.md)\n```\n[d](https://e.org)')).toEqual([
      'docs/a.md#x',
      'https://e.org',
    ]);
    expect(slug('Set-up and the two commands')).toBe('set-up-and-the-two-commands');
    expect(slug('`npm run bench`: figures')).toBe('npm-run-bench-figures');
  });

  for (const file of files) {
    it(`${file} has no dead relative links`, () => {
      const dead: string[] = [];
      for (const target of links(fs.readFileSync(path.join(root, file), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
        const [rawPath, fragment] = target.split('#') as [string, string | undefined];
        const resolved = rawPath ? path.resolve(path.dirname(path.join(root, file)), decodeURI(rawPath)) : file;
        const abs = path.isAbsolute(resolved) ? resolved : path.join(root, resolved);
        if (!abs.startsWith(root + path.sep) && abs !== root) {
          dead.push(`${target} (outside the repository)`);
          continue;
        }
        if (!fs.existsSync(abs)) {
          dead.push(`${target} (no such file)`);
          continue;
        }
        if (fragment && abs.endsWith('.md') && !anchors(abs).has(fragment.toLowerCase()))
          dead.push(`${target} (no heading #${fragment})`);
      }
      expect(dead, `dead links in ${file}`).toEqual([]);
    });
  }
});
