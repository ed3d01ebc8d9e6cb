/** evaluation.yaml: loads with the catalog; bad files fail naming file and field; the pre-test stays apart from the final. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog, type ContentFs } from '../../courses/catalog.ts';
import { ContentError } from '../../courses/parse.ts';
import { failing, poolProblems } from '../../courses/pool-rules.ts';

const ROOT = 'tests/fixtures/content';
const FILE = 'courses/fixture-course/evaluation.yaml';
const real = contentFsFrom(fs);
const original = fs.readFileSync(`${ROOT}/${FILE}`, 'utf8');

function withEvaluation(text: string): ContentFs {
  return { ...real, read: (p) => (p === `${ROOT}/${FILE}` ? text : real.read(p)) };
}

function problemOf(text: string) {
  try {
    loadCatalog(withEvaluation(text), ROOT);
  } catch (e) {
    expect(e).toBeInstanceOf(ContentError);
    return e as ContentError;
  }
  throw new Error('expected the evaluation file to be refused');
}

describe('evaluation.yaml', () => {
  it('loads the fixture course evaluation: four items, the pre-test pool and the follow-up', () => {
    const e = loadCatalog(real, ROOT).courses.get('fixture-course')!.evaluation!;
    expect(e.reaction.items.map((i) => i.id)).toEqual(['relevance', 'clarity', 'confidence', 'workload']);
    expect(e.pretest.questions).toBe(3);
    expect(e.pretest.pool).toHaveLength(4);
    expect(e.followUp.afterDays).toBe(90);
    expect(e.followUp.barriers.map((b) => b.id)).toContain('no-time');
  });

  it('leaves the pre-test keys out when pools are not read (the site build)', () => {
    const e = loadCatalog(real, ROOT, { withPools: false }).courses.get('fixture-course')!.evaluation!;
    expect(e.pretest.pool).toBeNull();
    expect(e.reaction.comment.en).toMatch(/change/);
  });

  it('refuses a scale out of range, naming the file and the field', () => {
    const err = problemOf(original.replace('    max: 5', '    max: 7'));
    expect(err.file).toBe(FILE);
    expect(err.message).toContain(FILE);
    expect(err.problems[0]!.field).toBe('reaction.scale.max');
    expect(err.problems[0]!.message).toMatch(/from 1 to 5/);
    expect(problemOf(original.replace('    min: 1', '    min: 0')).problems[0]!.field).toBe('reaction.scale.min');
  });

  it('refuses a missing translation, naming the field', () => {
    const err = problemOf(original.replace('      en: "The material was clear."\n', ''));
    expect(err.problems[0]!.field).toBe('reaction.items.1.en');
    expect(err.problems[0]!.message).toMatch(/^required/);
    expect(err.problems[0]!.line).toBeGreaterThan(1);
    const intro = problemOf(
      original.replace(
        '    en: "Three months have passed since the course. How often in the last month did you use what you learned?"\n',
        '',
      ),
    );
    expect(intro.problems[0]!.field).toBe('followUp.intro.en');
  });

  it('refuses a missing or repeated reaction item and a pre-test drawing more than its pool', () => {
    const noWorkload = problemOf(original.replace('    - id: workload', '    - id: clarity'));
    expect(noWorkload.message).toMatch(/item "clarity" must appear exactly once \(found 2\)/);
    expect(noWorkload.message).toMatch(/item "workload" must appear exactly once \(found 0\)/);
    expect(problemOf(original.replace('  questions: 3', '  questions: 9')).message).toMatch(
      /pool has 4 questions but "questions" draws 9/,
    );
  });

  it('refuses a pre-test question of an unknown module', () => {
    const err = problemOf(original.replace('      module: check', '      module: nowhere'));
    expect(err.problems[0]!.field).toBe('pretest.pool.2.module');
  });

  it('fails the content check when a pre-test question repeats the final pool (id or near-duplicate stem)', () => {
    const course = loadCatalog(real, ROOT).courses.get('fixture-course')!;
    expect(poolProblems(course).filter((p) => p.rule === 'pretest-overlap')).toEqual([]);
    const copied = original.replace('Words matter when we speak about children.', 'Which term is right?');
    const bad = loadCatalog(withEvaluation(copied), ROOT).courses.get('fixture-course')!;
    const problems = poolProblems(bad).filter((p) => p.rule === 'pretest-overlap');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/pre-test "pre-words" overlaps the final's pool "g-single"/);
    // Always fatal, even when the other pool rules only warn.
    expect(failing(problems, 'warn')).toHaveLength(1);
  });

  it('every real course has an evaluation whose pre-test is apart from its final', () => {
    const catalog = loadCatalog(real, 'content');
    for (const [slug, c] of catalog.courses) {
      expect(c.evaluation, slug).not.toBeNull();
      expect(c.evaluation!.pretest.pool!.length, slug).toBeGreaterThanOrEqual(c.evaluation!.pretest.questions);
      expect(
        poolProblems(c).filter((p) => p.rule === 'pretest-overlap'),
        slug,
      ).toEqual([]);
      // Every module is represented in the pre-test pool (it is drawn from the course's blueprint).
      expect(new Set(c.evaluation!.pretest.pool!.map((q) => q.module)), slug).toEqual(new Set(c.course.modules));
    }
  });
});
