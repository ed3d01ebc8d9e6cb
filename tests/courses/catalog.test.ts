/** The course format: the fixture course loads; each kind of mistake fails naming file, line and field. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog, type ContentFs } from '../../courses/catalog.ts';
import { ContentError } from '../../courses/parse.ts';

const ROOT = 'tests/fixtures/content';
const real = contentFsFrom(fs);

/** The fixture tree with some files replaced (path relative to the content root) or removed (null). */
function patched(changes: Record<string, string | null>): ContentFs {
  const rel = (p: string) => p.slice(ROOT.length + 1);
  return {
    list: (p) =>
      real
        .list(p)
        .filter((name) => changes[`${rel(p)}/${name}`] !== null)
        .concat(
          Object.keys(changes)
            .filter(
              (k) =>
                changes[k] !== null &&
                k.startsWith(`${rel(p)}/`) &&
                !k.slice(rel(p).length + 1).includes('/') &&
                !real.exists(`${ROOT}/${k}`),
            )
            .map((k) => k.split('/').pop()!),
        ),
    read: (p) => changes[rel(p)] ?? real.read(p),
    exists: (p) => (rel(p) in changes ? changes[rel(p)] !== null : real.exists(p)),
  };
}

const file = (p: string) => fs.readFileSync(`${ROOT}/${p}`, 'utf8');
const COURSE = 'courses/fixture-course/course.yaml';

function expectError(
  changes: Record<string, string | null>,
  match: { file: string; field?: string; line?: number; message: RegExp },
) {
  try {
    loadCatalog(patched(changes), ROOT);
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    const err = e as ContentError;
    expect(err.file).toBe(match.file);
    const p = err.problems.find((x) => match.message.test(x.message));
    expect(p, err.message).toBeDefined();
    if (match.field !== undefined) expect(p!.field).toBe(match.field);
    if (match.line !== undefined) expect(p!.line).toBe(match.line);
    expect(err.message).toContain(match.file);
    return;
  }
  throw new Error('expected the catalog to fail');
}

describe('course catalog', () => {
  it('loads the fixture course with modules in both locales, scenarios, practice and pool', () => {
    const c = loadCatalog(real, ROOT);
    const course = c.courses.get('fixture-course')!;
    expect(course.course.modules).toEqual(['words', 'response', 'check']);
    expect(course.modules.uk.map((m) => m.id)).toEqual(['words', 'response', 'check']);
    expect(course.modules.en[1]!.data.title).toBe('First response');
    expect(course.scenarios.get('secret')!.nodes).toHaveLength(3);
    expect(course.practice.get('response')).toHaveLength(2);
    expect(course.pool).toHaveLength(8);
    expect(c.glossary.get('csam')!.term.en).toMatch(/CSAM/);
  });

  it('does not read the graded pool when asked not to (the site build)', () => {
    expect(loadCatalog(real, ROOT, { withPools: false }).courses.get('fixture-course')!.pool).toBeNull();
  });

  it('an unknown audience: file, line and the expected values', () => {
    expectError(
      { [COURSE]: file(COURSE).replace('audience: initial', 'audience: cadets') },
      {
        file: COURSE,
        field: 'audience',
        line: 3,
        message: /expected one of "initial", "in-service", "prevention", got "cadets"/,
      },
    );
  });
  it('a pass mark outside 0–100', () => {
    expectError(
      { [COURSE]: file(COURSE).replace('passMark: 75', 'passMark: 175') },
      { file: COURSE, field: 'passMark', line: 12, message: /≤ 100/ },
    );
  });
  it('duplicate module ids', () => {
    expectError(
      { [COURSE]: file(COURSE).replace('modules: [words, response, check]', 'modules: [words, words, check]') },
      { file: COURSE, field: 'modules.1', message: /duplicate module id "words"/ },
    );
  });
  it('a missing required field', () => {
    expectError(
      { [COURSE]: file(COURSE).replace(/^version: .*\n/m, '') },
      { file: COURSE, field: 'version', message: /required/ },
    );
  });
  it('an unknown field', () => {
    expectError({ [COURSE]: file(COURSE) + 'colour: blue\n' }, { file: COURSE, message: /unknown field "colour"/ });
  });
  it('invalid YAML', () => {
    expectError({ [COURSE]: file(COURSE).replace('title: {', 'title: {{') }, { file: COURSE, message: /YAML syntax/ });
  });
  it('a module missing in one locale', () => {
    expectError(
      { 'courses/fixture-course/en/02-response.mdx': null },
      { file: 'courses/fixture-course/en', message: /module "response" has no en page/ },
    );
  });
  it('a frontmatter field of the wrong type names the MDX file and line', () => {
    const f = 'courses/fixture-course/uk/01-words.mdx';
    expectError(
      { [f]: file(f).replace('minutes: 10', 'minutes: ten') },
      { file: f, field: 'minutes', line: 5, message: /expected number, got string/ },
    );
  });
  it('a link to a missing module', () => {
    const f = 'courses/fixture-course/uk/01-words.mdx';
    expectError(
      { [f]: file(f).replace('](../response/)', '](../nowhere/)') },
      { file: f, field: 'link', message: /missing module "nowhere"/ },
    );
  });
  it('an MDX component with wrong props, an unknown component, a term and a statute that do not resolve', () => {
    const f = 'courses/fixture-course/uk/01-words.mdx';
    expectError(
      { [f]: file(f).replace('<Callout type="warning">', '<Callout type="danger">') },
      { file: f, field: '<Callout> type', message: /Expected 'note' \| 'warning' \| 'law' \| 'practice'/ },
    );
    expectError(
      { [f]: file(f) + '\n<Video src="x" />\n' },
      { file: f, field: '<Video>', message: /unknown component/ },
    );
    expectError(
      { [f]: file(f).replace('<Term id="csam">', '<Term id="nope">') },
      { file: f, field: '<Term> id', message: /no glossary term "nope"/ },
    );
    expectError(
      { [f]: file(f).replace('article="301-1"', 'article="999"') },
      { file: f, field: '<LegalRef> article', message: /article "999"/ },
    );
  });
  it('a question with no correct answer, and duplicate option ids', () => {
    const f = 'courses/fixture-course/assessment.yaml';
    expectError(
      {
        [f]: file(f).replace(
          '      - id: a\n        correct: true\n        uk: { text: "матеріали',
          '      - id: a\n        uk: { text: "матеріали',
        ),
      },
      { file: f, message: /exactly one correct option/ },
    );
    expectError(
      { [f]: file(f).replace('      - id: c\n', '      - id: b\n') },
      { file: f, message: /duplicate id "b"/ },
    );
  });
  it('a scenario choice that leads nowhere', () => {
    const f = 'courses/fixture-course/scenarios/secret.yaml';
    expectError(
      { [f]: file(f).replace('next: harm-end', 'next: void') },
      { file: f, field: 'nodes.0.choices.1.next', message: /missing node "void"/ },
    );
  });
});
