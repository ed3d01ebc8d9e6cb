/**
 * The source rules of `check-content` (issue #20): a figure in a Callout or KeyPoints needs a source on its
 * page, every statute heading is dated and not a placeholder, and a LegalRef must name a listed article.
 * Unit cases on the pure functions, then the CLI on a copy of the fixture content with one defect each.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModulePage } from '../../../courses/catalog.ts';
import type { LegalAct } from '../../../courses/schema/legal.ts';
import { isSourced, legalHeadingProblems, unsourcedFigures } from '../../../scripts/content-checks/sources.ts';

const refs = [
  { text: 'Internet Watch Foundation (2023). How AI is being abused (20,254 images).', url: 'https://www.iwf.org.uk/' },
  { text: 'NCMEC (2024). Sextortion data.' },
];

function page(body: string, references = refs): ModulePage {
  const data = { id: 'm', title: 't', description: 'd', outcomes: ['a', 'b', 'c'], minutes: 30, references };
  return { id: 'm', locale: 'en', index: 1, file: 'courses/c/en/01-m.mdx', data, body } as ModulePage;
}

describe('isSourced', () => {
  it('accepts a LegalRef, an article cited in words, a referenced number or a named source', () => {
    expect(isSourced('Register within 24 hours (<LegalRef act="cpc" article="214" />).', refs)).toBe(true);
    expect(isSourced('Register within 24 hours (Art. 214 CPC).', refs)).toBe(true);
    expect(isSourced('Реєструйте протягом 24 годин (ст. 214 КПК).', refs)).toBe(true);
    expect(isSourced('One forum held 20 254 images.', refs)).toBe(true);
    expect(isSourced('NCMEC counted three times more reports in 2023.', refs)).toBe(true);
  });

  it('rejects a figure with nothing on the page behind it', () => {
    expect(isSourced('45% of children were bullied online in 2025.', refs)).toBe(false);
    // An acronym that names the subject is not an attribution.
    expect(isSourced('CSAM reports rose by 30%.', [{ text: 'CSAM: a glossary' }])).toBe(false);
  });
});

describe('unsourcedFigures', () => {
  it('flags a number-bearing sentence in a Callout or KeyPoints, with its file and line', () => {
    const body = [
      'Intro 2025 text outside components is not checked.',
      '',
      '<Callout type="note">Most children told nobody. 45% were bullied online.</Callout>',
      '',
      '<KeyPoints>',
      '',
      '- Call 123 456 at once.',
      '- See [module 3](../x/) and meet at 14:00.',
      '',
      '</KeyPoints>',
    ].join('\n');
    const text = `---\nid: m\n---\n${body}`;
    const problems = unsourcedFigures(page(body), text);
    expect(problems.map((p) => p.where)).toEqual(['courses/c/en/01-m.mdx:6', 'courses/c/en/01-m.mdx:8']);
    expect(problems[0]!.message).toContain('45% were bullied online');
    expect(problems[1]!.message).toContain('Call 123 456');
  });

  it('passes the same blocks once the page cites their source', () => {
    const body = '<Callout type="note">45% were bullied online (UNICEF U-Report, 2025).</Callout>';
    expect(unsourcedFigures(page(body), body)).toHaveLength(1);
    const cited = [...refs, { text: 'UNICEF U-Report (February 2025). Cyberbullying poll.' }];
    expect(unsourcedFigures(page(body, cited), body)).toEqual([]);
  });

  it('checks a number in a Callout title too', () => {
    const body = '<Callout type="law" title="Within 72 hours">Act at once.</Callout>';
    expect(unsourcedFigures(page(body), body)).toHaveLength(1);
  });
});

describe('legalHeadingProblems', () => {
  const act = (articles: LegalAct['articles']): Map<string, LegalAct> =>
    new Map([
      ['cc', { id: 'cc', short: { uk: 'КК', en: 'CC' }, title: { uk: 'КК', en: 'CC' }, url: 'https://x.y/', articles }],
    ]);

  it('requires checkedAt on every article', () => {
    const problems = legalHeadingProblems(act([{ number: '155', title: { uk: 'Назва', en: 'Title' } }]));
    expect(problems).toEqual([{ where: 'legal: cc Art. 155', message: expect.stringContaining('no "checkedAt"') }]);
  });

  it('rejects a descriptive or placeholder heading, but not a quoted title flagged "(назва статті)"', () => {
    const problems = legalHeadingProblems(
      act([
        {
          number: '301-2',
          checkedAt: '2026-12-04',
          title: { uk: 'Видовищні заходи (зміст статті)', en: 'Shows (content of the article)' },
        },
        { number: '20', checkedAt: '2026-12-04', title: { uk: 'TODO', en: 'Offences' } },
        {
          number: '9',
          checkedAt: '2026-12-04',
          title: { uk: 'Правопорушення (назва статті)', en: 'Offences (article title)' },
        },
      ]),
    );
    expect(problems.map((p) => p.where)).toEqual(['legal: cc Art. 301-2', 'legal: cc Art. 301-2', 'legal: cc Art. 20']);
  });
});

describe('check-content CLI', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-sources-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  let n = 0;

  /** A fresh copy of the fixture content, changed by `edit`, checked by the real script. */
  function run(edit: (dir: string) => void) {
    const dir = path.join(tmp, String(n++));
    fs.cpSync('tests/fixtures/content', dir, { recursive: true });
    edit(dir);
    // The fixture's graded pool is deliberately small: its pool rules are reported, not failed (courses/pool-rules.ts).
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/check-content.ts', dir], {
      encoding: 'utf8',
      env: { ...process.env, OBERIH_POOL_RULE: 'warn' },
    });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  }
  const patch = (file: string, from: string | RegExp, to: string) => {
    const text = fs.readFileSync(file, 'utf8');
    const next = text.replace(from, to);
    expect(next, `${file} unchanged`).not.toBe(text);
    fs.writeFileSync(file, next);
  };
  const words = (dir: string) => path.join(dir, 'courses/fixture-course/en/01-words.mdx');

  it('passes the fixture content as it is', () => {
    const r = run(() => {});
    expect(r.out).toContain('legal acts: OK');
    expect(r.status).toBe(0);
  });

  it('fails on an unsourced figure in a Callout', () => {
    const r = run((dir) =>
      fs.appendFileSync(words(dir), '\n<Callout type="note">In 2025, 45% of children were bullied online.</Callout>\n'),
    );
    expect(r.status).toBe(1);
    expect(r.out).toMatch(/01-words\.mdx:\d+ → a figure in a <Callout> has no source on the page: "In 2025, 45%/);
  });

  it('fails on a LegalRef to an article missing from content/legal', () => {
    const r = run((dir) => fs.appendFileSync(words(dir), '\nSee <LegalRef act="cc" article="999" />.\n'));
    expect(r.status).toBe(1);
    expect(r.out).toContain('article "999" of "cc" is not listed in content/legal/');
  });

  it('fails on a placeholder heading and on a heading without checkedAt', () => {
    const r = run((dir) => {
      const legal = path.join(dir, 'legal/ukraine.yaml');
      patch(
        legal,
        /title: \{ uk: "Зґвалтування", en: "Rape" \}/,
        'title: { uk: "Зґвалтування (зміст статті)", en: "Rape" }',
      );
      patch(legal, /(number: "153"\n\s+title: .*\n)\s+checkedAt: .*\n/, '$1');
    });
    expect(r.status).toBe(1);
    expect(r.out).toContain('legal: cc Art. 152 → the uk heading "Зґвалтування (зміст статті)" is a placeholder');
    expect(r.out).toContain('legal: cc Art. 153 → no "checkedAt"');
  });
});
