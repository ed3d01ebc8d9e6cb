/**
 * Course-file fuzzing: random damage to the fixture course's YAML and MDX frontmatter must produce a
 * ContentError that names the file (and a field or line), never a crash with a stack trace only.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog, type ContentFs } from '../../courses/catalog.ts';
import { ContentError } from '../../courses/parse.ts';

const ROOT = 'tests/fixtures/content';
const real = contentFsFrom(fs);
const FILES = [
  'courses/fixture-course/course.yaml',
  'courses/fixture-course/assessment.yaml',
  'courses/fixture-course/scenarios/secret.yaml',
  'courses/fixture-course/practice/response.yaml',
  'courses/fixture-course/uk/01-words.mdx',
  'courses/fixture-course/en/02-response.mdx',
  'glossary/core.yaml',
  'legal/ukraine.yaml',
];

/** A mutation of a text: delete, duplicate or replace a line; insert junk; truncate; flip a character. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(
        '  - :',
        'id: ""',
        'passMark: -1',
        '{{',
        ']]',
        'modules: 7',
        'type: essay',
        '\t\tx: y',
        'uk: null',
        '---',
        '<Quiz id=nope />',
        'audience: [a, b]',
        '&anchor *alias',
        '!!binary AAAA',
      ),
      fc.string({ maxLength: 30 }),
    ),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), text: fc.string({ minLength: 1, maxLength: 1 }) }),
);

function apply(text: string, m: { op: string; at: number; text?: string }): string {
  const lines = text.split('\n');
  const i = m.at % Math.max(1, lines.length);
  switch (m.op) {
    case 'delete':
      lines.splice(i, 1);
      return lines.join('\n');
    case 'duplicate':
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    case 'insert':
      lines.splice(i, 0, m.text!);
      return lines.join('\n');
    case 'truncate':
      return text.slice(0, m.at % Math.max(1, text.length));
    default: {
      const j = m.at % Math.max(1, text.length);
      return text.slice(0, j) + m.text + text.slice(j + 1);
    }
  }
}

function withFile(file: string, text: string): ContentFs {
  return { ...real, read: (p) => (p === `${ROOT}/${file}` ? text : real.read(p)) };
}

describe('course-file fuzzing', () => {
  let failures = 0;
  let runs = 0;
  it('random damage gives a named ContentError or a valid catalog, never another error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FILES), fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, ms) => {
        runs++;
        const text = ms.reduce((t, m) => apply(t, m), fs.readFileSync(`${ROOT}/${file}`, 'utf8'));
        try {
          loadCatalog(withFile(file, text), ROOT);
        } catch (e) {
          failures++;
          expect(e, `${file}: ${(e as Error).stack}`).toBeInstanceOf(ContentError);
          const err = e as ContentError;
          expect(err.message).toContain(err.file);
          expect(err.problems.length).toBeGreaterThan(0);
          for (const p of err.problems) expect(p.message.length).toBeGreaterThan(3);
        }
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 400) },
    );
    console.log(`course fuzzing: ${runs} damaged files, ${failures} rejected with a named error, the rest still valid`);
    expect(failures).toBeGreaterThan(runs / 4);
  }, 120_000);
});
