/**
 * The built-in evaluation's demo data (docs/evaluation.md), planted after the demo's graded attempts so
 * the programme dashboard shows real figures: a pre-test before module 1 for most learners who sat the
 * final (a score below their first final, mostly), and anonymous reaction answers from most who
 * completed. Follow-up answers are not planted: the demo's completions are weeks old and the follow-up
 * opens 90 days after completion, so its figures honestly say "too few answers".
 * Deterministic: everything random comes from the seed's `rand`.
 */
import type { Catalog } from '../courses/catalog.ts';
import type { DB } from './connection.ts';

const HOUR = 3_600_000;

/** A version-4-shaped UUID from the seeded generator. */
const uuid = (rand: () => number) => {
  const h = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16)).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};
const clamp = (x: number) => Math.max(0, Math.min(100, Math.round(x)));
const point = (x: number) => Math.max(1, Math.min(5, Math.round(x)));

export async function seedEvaluation(db: DB, catalog: Catalog, rand: () => number): Promise<void> {
  const evaluated = [...catalog.courses.values()].filter((c) => c.evaluation).map((c) => c.course);
  if (evaluated.length === 0) return;
  const courseIds = evaluated.map((c) => c.id);
  const [attempts, completions, members] = await Promise.all([
    db
      .selectFrom('attempts')
      .select(['user_id', 'course_id', 'started_at', 'score'])
      .where('course_id', 'in', courseIds)
      .where('submitted_at', 'is not', null)
      .where('score', 'is not', null)
      .orderBy('started_at')
      .execute(),
    db
      .selectFrom('completions')
      .select(['user_id', 'course_id', 'completed_at'])
      .where('course_id', 'in', courseIds)
      .orderBy('completed_at')
      .execute(),
    db.selectFrom('cohort_members').select(['user_id', 'cohort_id', 'joined_at']).orderBy('joined_at').execute(),
  ]);
  const memberOf = new Map<number, { cohort_id: number; joined_at: string }>();
  for (const m of members) if (!memberOf.has(m.user_id)) memberOf.set(m.user_id, m);
  const version = new Map(evaluated.map((c) => [c.id, c.version]));

  // Level 2: the pre-test, taken an hour after joining; the first final after it is the post-test.
  const firstFinal = new Map<string, (typeof attempts)[number]>();
  for (const a of attempts)
    if (!firstFinal.has(`${a.user_id}|${a.course_id}`)) firstFinal.set(`${a.user_id}|${a.course_id}`, a);
  const pretests = [];
  for (const a of firstFinal.values()) {
    const m = memberOf.get(a.user_id);
    if (!m || rand() < 0.1) continue;
    const at = new Date(Date.parse(m.joined_at) + HOUR).toISOString();
    if (at >= a.started_at) continue;
    const gain = rand() < 0.12 ? -5 * rand() : 8 + 30 * rand();
    pretests.push({
      user_id: a.user_id,
      course_id: a.course_id,
      content_version: version.get(a.course_id)!,
      locale: 'uk' as const,
      questions: '[]',
      started_at: at,
      submitted_at: at,
      score: clamp(a.score! - gain),
    });
  }
  if (pretests.length) await db.insertInto('evaluation_pretests').values(pretests).execute();

  // Level 1: most who completed answer the reaction questionnaire (no learner id on the answer).
  const seen = new Set<string>();
  for (const c of completions) {
    const key = `${c.user_id}|${c.course_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const m = memberOf.get(c.user_id);
    if (!m || rand() < 0.15) continue;
    const mood = rand();
    await db.insertInto('evaluation_reaction_marks').values({ user_id: c.user_id, course_id: c.course_id }).execute();
    await db
      .insertInto('evaluation_reactions')
      .values({
        id: uuid(rand),
        cohort_id: m.cohort_id,
        course_id: c.course_id,
        month: c.completed_at.slice(0, 7),
        relevance: point(3.6 + mood * 1.4 + rand() * 0.6 - 0.3),
        clarity: point(3.2 + mood * 1.6 + rand() - 0.5),
        confidence: point(2.8 + mood * 1.8 + rand() - 0.5),
        workload: point(2.5 + rand() * 2),
        comment: null,
      })
      .execute();
  }
}
