/**
 * Checks on the real courses in content/: structure, safety wording and resolution of every
 * reference. Loading the catalog already fails on a module missing in one locale, a Term or LegalRef
 * that does not resolve, and a Quiz or Scenario that does not exist.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import { LOCALES } from '../../courses/schema/common.ts';
import { checkSources } from '../../scripts/content-checks/sources.ts';

const catalog = loadCatalog(contentFsFrom(fs), 'content');
const FORBIDDEN = [/child\s+pornograph/i, /дитяч\p{L}*\s+порнограф/iu];

/** Words of teaching text: the MDX body without component tags. */
function words(body: string) {
  return body
    .replace(/<[^>]+>/g, ' ')
    .split(/\s+/)
    .filter((w) => /\p{L}/u.test(w)).length;
}

it('ships the three courses', () => {
  expect([...catalog.courses.keys()].sort()).toEqual([
    'initial-online-abuse',
    'inservice-refresher',
    'prevention-in-schools',
  ]);
});

for (const [slug, { course, modules, practice, scenarios, pool }] of catalog.courses) {
  describe(`course ${slug}`, () => {
    it('has the same modules, in the same order, in both locales', () => {
      expect(modules.uk.map((m) => m.id)).toEqual(course.modules);
      expect(modules.en.map((m) => m.id)).toEqual(course.modules);
    });

    for (const locale of LOCALES) {
      for (const page of modules[locale]) {
        it(`${locale}/${page.id}: 3 outcomes, 900–2,000 words, a scenario, a practice quiz and references`, () => {
          expect(page.data.outcomes.length).toBe(3);
          const n = words(page.body);
          expect(n, `${page.file} has ${n} words`).toBeGreaterThanOrEqual(900);
          expect(n, `${page.file} has ${n} words`).toBeLessThanOrEqual(2000);
          const scenarioIds = [...page.body.matchAll(/<Scenario id="([^"]+)"/g)].map((m) => m[1]!);
          const quizIds = [...page.body.matchAll(/<Quiz id="([^"]+)"/g)].map((m) => m[1]!);
          expect(scenarioIds.length).toBeGreaterThanOrEqual(1);
          expect(quizIds.length).toBeGreaterThanOrEqual(1);
          for (const q of quizIds) {
            const n = practice.get(q)!.length;
            expect(n).toBeGreaterThanOrEqual(4);
            expect(n).toBeLessThanOrEqual(8);
          }
          for (const s of scenarioIds) expect(scenarios.get(s)!.module).toBe(page.id);
          expect(page.data.references.length).toBeGreaterThanOrEqual(1);
        });
      }
    }

    it('embeds the same scenarios and quizzes in both locales', () => {
      const ids = (body: string) => [...body.matchAll(/<(Scenario|Quiz) id="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
      modules.uk.forEach((page, i) => expect(ids(page.body)).toEqual(ids(modules.en[i]!.body)));
    });

    it('has a graded pool of at least 30 questions covering every module, of several types', () => {
      expect(pool).not.toBeNull();
      expect(pool!.length).toBeGreaterThanOrEqual(30);
      for (const m of course.modules)
        expect(
          pool!.some((q) => q.module === m),
          `no pool question for ${m}`,
        ).toBe(true);
      expect(new Set(pool!.map((q) => q.type)).size).toBeGreaterThanOrEqual(3);
    });

    it('uses "CSAM", never the outdated phrase outside a statute citation', () => {
      const texts = [
        ...LOCALES.flatMap((l) =>
          modules[l].map((p) => [p.file, p.body + JSON.stringify({ ...p.data, references: [] })]),
        ),
        ...[...practice.entries()].map(([id, q]) => [`practice/${id}`, JSON.stringify(q)]),
        ...[...scenarios.entries()].map(([id, s]) => [`scenarios/${id}`, JSON.stringify(s)]),
        [`${slug}/assessment.yaml`, JSON.stringify(pool)],
        [`${slug}/course.yaml`, JSON.stringify(course)],
      ];
      for (const [file, text] of texts)
        for (const re of FORBIDDEN) expect(re.test(text!), `${file} uses ${re}`).toBe(false);
    });
  });
}

it('the glossary uses the outdated phrase only to name the statute', () => {
  for (const t of catalog.glossary.values()) {
    for (const l of LOCALES) {
      const text = t.term[l];
      for (const re of FORBIDDEN) expect(re.test(text), t.id).toBe(false);
    }
  }
});

it('every figure in a Callout or KeyPoints and every statute heading carries its source (issue #20)', () => {
  const problems = checkSources(catalog, (file) => fs.readFileSync(`content/${file}`, 'utf8'));
  expect(problems.map((p) => `${p.where} → ${p.message}`)).toEqual([]);
});

it('the help page names support for officers: the unit psychologist or supervisor first (issue #20, M4)', () => {
  const contacts = catalog.help!.officers.contacts;
  expect(contacts.length).toBeGreaterThan(0);
  expect(contacts[0]!.name.uk).toContain('Психолог вашого підрозділу');
  expect(contacts[0]!.name.en).toContain("unit's psychologist");
});
