/**
 * Rules that keep a graded pool from being memorised or leaked (issue #18, items 3 and 7), pure:
 * - `pool-size`: the pool holds at least `questions × maxAttempts` questions, so a learner who uses every
 *   attempt need not see a question twice;
 * - `module-share`: every module in the pool has at least twice its share of one draw (the draw takes
 *   modules round-robin, so a module's share is ⌈questions ÷ modules in the pool⌉);
 * - `practice-repeat`: no practice question repeats a graded one (same id, or a near-duplicate stem);
 * - `scorm-overlap`: the SCORM pool (whose keys ship inside the package, by design of SCORM) shares no
 *   question with the platform's pool (same id, or a near-duplicate stem).
 * - `pretest-overlap`: the pre-test's pool (evaluation.yaml) shares no question with the platform's pool
 *   (same id, or a near-duplicate stem), so the pre-test does not teach the final.
 * The first three are "pool rules" that check-content and the build may report instead of failing
 * (OBERIH_POOL_RULE=warn) while pools grow; `scorm-overlap` and `pretest-overlap` always fail.
 */
import type { LoadedCourse } from './catalog.ts';
import { LOCALES } from './schema/common.ts';
import type { Question } from './schema/question.ts';

export type PoolRule = 'pool-size' | 'module-share' | 'practice-repeat' | 'scorm-overlap' | 'pretest-overlap';
export interface PoolProblem {
  rule: PoolRule;
  course: string;
  message: string;
}

/** Stems at least this similar (Jaccard index of their word sets, in either locale) are near-duplicates. */
export const NEAR_DUPLICATE = 0.8;

/** Lower case, letters and digits only (any script), single spaces: "Що таке CSAM?" → "що таке csam". */
export const normaliseText = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

function words(s: string): Set<string> {
  return new Set(normaliseText(s).split(' ').filter(Boolean));
}

/** Jaccard index of the two texts' word sets: 1 for the same words in any order, 0 for none shared. */
export function textSimilarity(a: string, b: string): number {
  const x = words(a);
  const y = words(b);
  if (!x.size && !y.size) return 1;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return shared / (x.size + y.size - shared);
}

/** Why two questions count as the same item, or null when they do not. */
export function sameItem(a: Question, b: Question): string | null {
  if (a.id === b.id) return `same id "${a.id}"`;
  for (const l of LOCALES) {
    const sim = textSimilarity(a[l].stem, b[l].stem);
    if (sim >= NEAR_DUPLICATE) return `near-duplicate ${l} stems (${Math.round(sim * 100)} % of words shared)`;
  }
  return null;
}

function overlaps(
  rule: PoolRule,
  course: string,
  a: Question[],
  b: Question[],
  what: (x: Question, y: Question) => string,
) {
  const out: PoolProblem[] = [];
  for (const x of a)
    for (const y of b) {
      const why = sameItem(x, y);
      if (why) out.push({ rule, course, message: `${what(x, y)}: ${why}` });
    }
  return out;
}

/** Every pool problem of one loaded course (loaded with its pools). */
export function poolProblems(
  loaded: Pick<LoadedCourse, 'course' | 'pool' | 'scormPool' | 'practice'> & Partial<Pick<LoadedCourse, 'evaluation'>>,
): PoolProblem[] {
  const { course, pool, scormPool } = loaded;
  const pretest = loaded.evaluation?.pretest.pool ?? null;
  const out: PoolProblem[] = [];
  const settings = course.assessment;
  if (settings && pool) {
    const attempts = settings.maxAttempts ?? 1;
    const needed = settings.questions * attempts;
    if (pool.length < needed)
      out.push({
        rule: 'pool-size',
        course: course.id,
        message: `assessment.yaml has ${pool.length} questions; ${settings.questions} per attempt × ${attempts} attempts needs at least ${needed}`,
      });
    const byModule = new Map<string, number>();
    for (const q of pool) byModule.set(q.module, (byModule.get(q.module) ?? 0) + 1);
    const share = Math.ceil(settings.questions / byModule.size);
    for (const [module, n] of byModule)
      if (n < share * 2)
        out.push({
          rule: 'module-share',
          course: course.id,
          message: `module "${module}" has ${n} questions in assessment.yaml; its share of a draw is ${share}, so it needs at least ${share * 2}`,
        });
    for (const [quiz, questions] of loaded.practice)
      out.push(
        ...overlaps(
          'practice-repeat',
          course.id,
          questions,
          pool,
          (p, g) => `practice/${quiz}.yaml "${p.id}" repeats graded "${g.id}"`,
        ),
      );
  }
  if (pool && scormPool)
    out.push(
      ...overlaps(
        'scorm-overlap',
        course.id,
        scormPool,
        pool,
        (s, g) => `scormPool "${s.id}" overlaps the platform pool's "${g.id}"`,
      ),
    );
  if (pool && pretest)
    out.push(
      ...overlaps(
        'pretest-overlap',
        course.id,
        pretest,
        pool,
        (p, g) => `evaluation.yaml pre-test "${p.id}" overlaps the final's pool "${g.id}"`,
      ),
    );
  return out;
}

/** Pool rules report instead of failing with OBERIH_POOL_RULE=warn; the overlap rules always fail. */
export function poolRuleMode(env: Record<string, string | undefined>): 'warn' | 'fail' {
  return env.OBERIH_POOL_RULE === 'warn' ? 'warn' : 'fail';
}

export const failing = (problems: PoolProblem[], mode: 'warn' | 'fail') =>
  problems.filter((p) => mode === 'fail' || p.rule === 'scorm-overlap' || p.rule === 'pretest-overlap');
