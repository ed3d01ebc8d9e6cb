/**
 * The built platform site (dist/site, real courses) and the fixture build: every page exists in both
 * locales, and no graded-assessment answer key or explanation appears anywhere in the output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { correctResponse } from '../../courses/scoring.ts';
import { htmlFiles } from '../../scripts/page-assets.ts';

function allText(dir: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(html|js|json|css|txt|xml|webmanifest)$/.test(e.name))
        out.push({ file: p, text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

for (const [name, site, content] of [
  ['real courses', 'dist/site', 'content'],
  ['fixture', '.tmp/fixture-site', 'tests/fixtures/content'],
] as const) {
  describe(`built site (${name})`, () => {
    const catalog = loadCatalog(contentFsFrom(fs), content);
    const files = allText(site);

    it('has every module page in both locales', () => {
      for (const [slug, c] of catalog.courses) {
        for (const locale of ['uk', 'en']) {
          expect(fs.existsSync(path.join(site, locale, 'courses', slug, 'index.html'))).toBe(true);
          for (const id of c.course.modules)
            expect(
              fs.existsSync(path.join(site, locale, 'courses', slug, id, 'index.html')),
              `${locale}/${slug}/${id}`,
            ).toBe(true);
        }
      }
    });

    it('contains no graded-assessment explanation, feedback or accepted text answer', () => {
      const secrets: string[] = [];
      // Texts that any course also uses in a practice quiz are public by design.
      const practice = JSON.stringify([...catalog.courses.values()].flatMap((c) => [...c.practice.values()]));
      for (const c of catalog.courses.values()) {
        for (const q of c.pool ?? []) {
          for (const l of ['uk', 'en'] as const) {
            // Texts also used in a practice quiz (or that are too short to be distinctive) are not secrets.
            const candidates = [
              q[l].explanation,
              q[l].feedback?.correct,
              q[l].feedback?.incorrect,
              ...(q.type === 'text' ? q.accepted[l] : []),
            ];
            for (const s of candidates)
              if (s && s.length >= 24 && !practice.includes(JSON.stringify(s).slice(1, -1))) secrets.push(s);
          }
        }
      }
      expect(secrets.length).toBeGreaterThan(name === 'fixture' ? 0 : 100);
      const leaks = files.flatMap(({ file, text }) =>
        secrets
          .filter((s) => text.includes(s) || text.includes(JSON.stringify(s).slice(1, -1)))
          .map((s) => `${file}: ${s.slice(0, 60)}`),
      );
      expect(leaks).toEqual([]);
    });

    it('does not ship the graded pool as data (no pool question id with its correct flags)', () => {
      for (const c of catalog.courses.values()) {
        for (const q of c.pool ?? []) {
          const key = JSON.stringify({ id: q.id, module: q.module });
          for (const { file, text } of files)
            expect(text.includes(`"id":"${q.id}","module"`), `${file} has ${key}`).toBe(false);
          expect(correctResponse(q)).toBeDefined();
        }
      }
    });

    it('gives every page a lang attribute, a title and a main landmark', () => {
      for (const f of htmlFiles(site)) {
        const html = fs.readFileSync(f, 'utf8');
        if (/http-equiv="refresh"/.test(html)) continue;
        expect(html, f).toMatch(/<html lang="(uk|en)"/);
        expect(html, f).toMatch(/<title>[^<]+<\/title>/);
        if (!f.includes(`${path.sep}pagefind${path.sep}`)) expect(html, f).toMatch(/<main\b/);
      }
    });
  });
}

describe('help page (real content)', () => {
  it('renders every support contact for officers in the officers section, both locales (issue #20, M4)', () => {
    const help = loadCatalog(contentFsFrom(fs), 'content').help!;
    expect(help.officers.contacts.length).toBeGreaterThan(0);
    for (const locale of ['uk', 'en'] as const) {
      const html = fs.readFileSync(path.join('dist/site', locale, 'help', 'index.html'), 'utf8');
      const officers = html.slice(html.indexOf('id="officers"'));
      for (const c of help.officers.contacts) {
        expect(officers).toContain(c.name[locale].replace(/'/g, '&#39;')); // as Astro escapes it
        for (const p of c.phone) expect(officers).toContain(`href="tel:${p.replace(/\s/g, '')}"`);
      }
    }
  });
});
