/**
 * Pool rules (issue #18, items 3 and 7) on fixture content: pool size, module share, practice items that
 * repeat graded ones, and a SCORM pool that overlaps the platform's; the SCORM build reads only scormPool.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog, type LoadedCourse } from '../../courses/catalog.ts';
import { failing, poolProblems, poolRuleMode, textSimilarity } from '../../courses/pool-rules.ts';
import type { Question } from '../../courses/schema/question.ts';
import { fixtures, tempDir } from '../helpers/app.ts';

const fixture = fixtures().courses.get('fixture-course')!;

/** A copy of question `q` under a new id with its own short stems (so it is a different item). */
let made = 0;
const variant = (q: Question, tag: string): Question => {
  const n = made++;
  return {
    ...q,
    id: `${q.id}-${tag}`,
    uk: { ...q.uk, stem: `Питання ${tag} номер ${n}` },
    en: { ...q.en, stem: `Item ${tag} number ${n}` },
  };
};

/** The fixture course with a pool big enough for 8 questions × 3 attempts, 12 per module (share 4, ×2 = 8). */
function healthy(): LoadedCourse {
  const pool = ['a', 'b', 'c'].flatMap((tag) => fixture.pool!.map((q) => variant(q, tag)));
  return { ...fixture, pool, scormPool: null };
}

describe('pool rules', () => {
  it('a pool of questions × maxAttempts with every module at twice its share passes', () => {
    expect(healthy().pool).toHaveLength(24);
    expect(poolProblems(healthy())).toEqual([]);
  });

  it('fails a pool smaller than questions × maxAttempts (the fixture: 8 questions, drawn 8 at a time, 3 attempts)', () => {
    const problems = poolProblems(fixture);
    expect(problems).toContainEqual({
      rule: 'pool-size',
      course: 'fixture-course',
      message: 'assessment.yaml has 8 questions; 8 per attempt × 3 attempts needs at least 24',
    });
  });

  it('fails a module with fewer questions than twice its share of the draw', () => {
    const c = healthy();
    // 8 drawn over 2 modules: a share of 4, so each module needs 8. Leave "response" with 6.
    const response = c.pool!.filter((q) => q.module === 'response');
    const pool = [...c.pool!.filter((q) => q.module !== 'response'), ...response.slice(0, 6)];
    for (const tag of ['d', 'e'])
      pool.push(...fixture.pool!.filter((q) => q.module === 'words').map((q) => variant(q, tag)));
    const problems = poolProblems({ ...c, pool });
    expect(problems.map((p) => p.rule)).toEqual(['module-share']);
    expect(problems[0]!.message).toBe(
      'module "response" has 6 questions in assessment.yaml; its share of a draw is 4, so it needs at least 8',
    );
  });

  it('fails a practice question that repeats a graded one: same id, or the same stem reworded slightly', () => {
    const c = healthy();
    const graded = c.pool![0]!;
    const sameId = { ...variant(graded, 'x'), id: graded.id };
    const reworded: Question = {
      ...variant(graded, 'y'),
      en: { ...graded.en, stem: `${graded.en.stem} here?` },
    };
    const practice = new Map([...c.practice, ['extra', [sameId, reworded, variant(graded, 'fresh')]]]);
    const problems = poolProblems({ ...c, practice }).filter((p) => p.rule === 'practice-repeat');
    expect(problems.map((p) => p.message)).toEqual([
      `practice/extra.yaml "${graded.id}" repeats graded "${graded.id}": same id "${graded.id}"`,
      expect.stringMatching(
        new RegExp(`^practice/extra.yaml "${graded.id}-y" repeats graded "${graded.id}": near-duplicate en stems`),
      ),
    ]);
  });

  it('text similarity ignores case, punctuation and word order, and tells different questions apart', () => {
    expect(textSimilarity('What is CSAM?', 'csam — what is')).toBe(1);
    expect(textSimilarity('Що таке CSAM?', 'що таке csam')).toBe(1);
    expect(textSimilarity('Which term is right?', 'Who must be told first?')).toBeLessThan(0.2);
  });

  it('a SCORM pool overlapping the platform pool always fails, even with OBERIH_POOL_RULE=warn', () => {
    const c = healthy();
    const scormPool = [variant(fixture.pool![0]!, 'scorm'), { ...c.pool![3]!, id: 'renamed' }];
    const problems = poolProblems({ ...c, scormPool });
    expect(problems.map((p) => [p.rule, p.message])).toEqual([
      [
        'scorm-overlap',
        expect.stringMatching(/^scormPool "renamed" overlaps the platform pool's ".*": near-duplicate uk stems/),
      ],
    ]);
    expect(failing(problems, 'warn')).toEqual(problems);
    const sizeOnly = poolProblems(fixture);
    expect(failing(sizeOnly, 'warn')).toEqual([]);
    expect(failing(sizeOnly, 'fail')).toEqual(sizeOnly);
    expect(poolRuleMode({ OBERIH_POOL_RULE: 'warn' })).toBe('warn');
    expect(poolRuleMode({})).toBe('fail');
  });
});

describe('scormPool in assessment.yaml', () => {
  const dir = tempDir('oberih-pool-rules-');
  const content = path.join(dir, 'content');
  fs.cpSync('tests/fixtures/content', content, { recursive: true });
  const poolFile = path.join(content, 'courses/fixture-course/assessment.yaml');
  const authored = fs.readFileSync(poolFile, 'utf8');
  const scormQuestions = healthy()
    .pool!.filter((q) => q.id.endsWith('-a'))
    .map((q) => ({ ...q, id: q.id.replace(/-a$/, '-scorm') }));
  const withScorm = `${authored}\nscormPool: ${JSON.stringify(scormQuestions)}\n`;
  const load = (mode: boolean | 'scorm') =>
    loadCatalog(contentFsFrom(fs), content, { withPools: mode }).courses.get('fixture-course')!;

  it('without scormPool the SCORM build sees no graded assessment and no pool at all', () => {
    fs.writeFileSync(poolFile, authored);
    const scorm = load('scorm');
    expect(scorm.course.assessment).toBeUndefined();
    expect(scorm.pool).toBeNull();
    expect(scorm.scormPool).toBeNull();
  });

  it('with scormPool the SCORM build reads only it; the server reads both', () => {
    fs.writeFileSync(poolFile, withScorm);
    const scorm = load('scorm');
    expect(scorm.pool).toBeNull();
    expect(scorm.scormPool!.map((q) => q.id)).toEqual(scormQuestions.map((q) => q.id));
    expect(scorm.course.assessment).toEqual(fixture.course.assessment);
    const server = load(true);
    expect(server.pool!.map((q) => q.id)).toEqual(fixture.pool!.map((q) => q.id));
    expect(server.scormPool).toHaveLength(8);
  });

  const check = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/check-content.ts', content], {
      encoding: 'utf8',
      env: { ...process.env, OBERIH_POOL_RULE: '', ...env },
    });

  it('check-content fails on the small fixture pool, and only reports it with OBERIH_POOL_RULE=warn', () => {
    fs.writeFileSync(poolFile, withScorm);
    const strict = check();
    expect(strict.status).toBe(1);
    expect(strict.stderr).toContain('error [pool-size] fixture-course');
    const warn = check({ OBERIH_POOL_RULE: 'warn' });
    expect(warn.status, warn.stderr).toBe(0);
    expect(warn.stderr).toContain('warning [pool-size] fixture-course');
    expect(warn.stdout).toContain('SCORM pool 8');
  });

  it('check-content fails when the SCORM pool repeats a platform question, whatever OBERIH_POOL_RULE says', () => {
    const leaked = [...scormQuestions.slice(1), { ...fixture.pool![0]!, id: 'leaked' }];
    fs.writeFileSync(poolFile, `${authored}\nscormPool: ${JSON.stringify(leaked)}\n`);
    const warn = check({ OBERIH_POOL_RULE: 'warn' });
    expect(warn.status).toBe(1);
    expect(warn.stderr).toMatch(
      /error \[scorm-overlap\] fixture-course: scormPool "leaked" overlaps the platform pool's "g-single"/,
    );
  });
});
