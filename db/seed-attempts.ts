/**
 * Graded attempts for the demo, so the instructor dashboard and item analysis have something real
 * to show. Learners who finished (or nearly finished) their modules sit the final assessment: the
 * questions are drawn and scored by the same engine as the API (`courses/`), and each answer is right
 * with a probability that grows with the learner's ability and falls with the question's difficulty.
 * One question is made misleading on purpose (weaker learners do better on it) and the three weakest
 * cadets fail twice, so the at-risk list and the item-analysis flags have something to show.
 * Deterministic: everything random comes from the `rand` the seed passes in.
 *
 * A learner who passes with every module complete gets their course completion recorded here, at the
 * time of the passing attempt (the API records completions in `api/completion.ts`, which `db/` may
 * not import); certificates for those completions are issued by the certificates module.
 */
import { drawQuestions } from '../courses/assessment.ts';
import type { Catalog } from '../courses/catalog.ts';
import type { Response } from '../courses/schema/question.ts';
import { wrongResponse } from '../courses/sample-responses.ts';
import { correctResponse, isPassed, scoreAttempt } from '../courses/scoring.ts';
import type { DB } from './connection.ts';
import { seedEvaluation } from './seed-evaluation.ts';
import { DEMO_ACCOUNTS, type SeedOptions } from './seed.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The demo's own cadet account keeps the final assessment untouched, to try it live. */
/** The learners of the instructors' demo cohorts: cadet01…, officer01… (db/seed.ts). */
const DEMO_COHORT_LEARNER = /^(cadet|officer)\d{2}@oberih\.demo$/;
const KEEP_FRESH = new Set(DEMO_ACCOUNTS.filter((a) => a.role === 'cadet').map((a) => a.email));

/** A version-4 UUID from the seeded generator (the API checks attempt ids are UUIDs). */
export function seededUuid(rand: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rand() * 16).toString(16));
  hex[12] = '4';
  hex[16] = '89ab'[Math.floor(rand() * 4)]!;
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function seedAttempts(catalog: Catalog): SeedOptions['afterProgress'] {
  return async (db: DB, learners, rand) => {
    if (learners.length === 0) return;
    const ids = learners.map((l) => l.id);
    const ability = new Map(learners.map((l) => [l.id, l.ability]));
    const [assigned, done, users, latest] = await Promise.all([
      db
        .selectFrom('cohort_members')
        .innerJoin('cohort_courses', 'cohort_courses.cohort_id', 'cohort_members.cohort_id')
        .select(['cohort_members.user_id', 'cohort_courses.course_id'])
        .where('cohort_members.user_id', 'in', ids)
        .orderBy('cohort_members.user_id')
        .orderBy('cohort_courses.course_id')
        .execute(),
      db
        .selectFrom('progress_events')
        .select(['user_id', 'course_id', 'module_id', (eb) => eb.fn.min('occurred_at').as('at')])
        .where('kind', '=', 'completed')
        .where('user_id', 'in', ids)
        .groupBy(['user_id', 'course_id', 'module_id'])
        .execute(),
      db.selectFrom('users').select(['id', 'email', 'role']).where('id', 'in', ids).execute(),
      db
        .selectFrom('progress_events')
        .select((eb) => eb.fn.max('occurred_at').as('at'))
        .executeTakeFirst(),
    ]);
    // Nothing is dated after the newest seeded activity plus a day (the seed's "now" is its base date).
    const ceiling = Date.parse(latest?.at ?? new Date(0).toISOString()) + DAY;
    const emailOf = new Map(users.map((u) => [u.id, u]));

    // Which learners sit which assessment: modules all done, or all but one.
    type Sitting = { userId: number; courseId: string; modulesDone: boolean; after: number };
    const sittings: Sitting[] = [];
    for (const { user_id, course_id } of assigned) {
      const loaded = catalog.courses.get(course_id);
      const user = emailOf.get(user_id);
      if (!loaded?.pool?.length || !loaded.course.assessment || !user || KEEP_FRESH.has(user.email)) continue;
      // Graded attempts are planted in the instructors' demo cohorts only (the at-risk list, the misleading
      // question); the programme's extra cohorts show study, not grades, so the planted story stays intact.
      if (!DEMO_COHORT_LEARNER.test(user.email)) continue;
      const mine = done.filter(
        (d) => d.user_id === user_id && d.course_id === course_id && loaded.course.modules.includes(d.module_id),
      );
      const total = loaded.course.modules.length;
      if (mine.length < Math.max(1, total - 1)) continue;
      const after = Math.max(...mine.map((d) => Date.parse(d.at as string)));
      sittings.push({ userId: user_id, courseId: course_id, modulesDone: mine.length === total, after });
    }
    // The three weakest cadets who sit an assessment fail it twice (the at-risk list shows them).
    const failTwice = new Set(
      sittings
        .filter((s) => emailOf.get(s.userId)?.role === 'cadet')
        .sort((a, b) => ability.get(a.userId)! - ability.get(b.userId)!)
        .slice(0, 3)
        .map((s) => `${s.userId}|${s.courseId}`),
    );

    // Per course: a difficulty per question, and one misleading question.
    const difficulty = new Map<string, number>();
    const misleading = new Set<string>();
    for (const courseId of new Set(sittings.map((s) => s.courseId))) {
      const pool = catalog.courses.get(courseId)!.pool!;
      for (const q of pool) difficulty.set(`${courseId}|${q.id}`, rand() * 0.5 - 0.2);
      const trap = pool.find((q) => q.type === 'single' && q.options.length >= 3) ?? pool[0]!;
      misleading.add(`${courseId}|${trap.id}`);
    }

    const attemptRows: {
      id: string;
      user_id: number;
      course_id: string;
      content_version: string;
      locale: 'uk';
      questions: string;
      started_at: string;
      deadline_at: string | null;
      submitted_at: string;
      score: number;
      passed: number;
    }[] = [];
    const responseRows: { attempt_id: string; question_id: string; response: string; score: number }[] = [];
    const completionRows: {
      user_id: number;
      course_id: string;
      content_version: string;
      attempt_id: string;
      score: number;
      completed_at: string;
    }[] = [];
    for (const s of sittings) {
      const { course, pool } = catalog.courses.get(s.courseId)!;
      const settings = course.assessment!;
      const byId = new Map(pool!.map((q) => [q.id, q]));
      const forcedFails = failTwice.has(`${s.userId}|${s.courseId}`) ? 2 : 0;
      const maxAttempts = forcedFails ? 2 : (settings.maxAttempts ?? 3);
      const a = ability.get(s.userId)!;
      for (let n = 0; n < maxAttempts; n++) {
        const start = Math.min(
          s.after + (1 + n * 2) * DAY + Math.floor(rand() * 8) * HOUR,
          ceiling - (maxAttempts - n) * 2 * HOUR,
        );
        const drawn = drawQuestions(pool!, settings.questions, rand);
        const questions = drawn.map((d) => byId.get(d.id)!);
        let result: ReturnType<typeof scoreAttempt>;
        let responses: Record<string, Response>;
        // A forced failure is re-rolled until it really fails (rarely needed: its odds are low).
        for (let tries = 0; ; tries++) {
          responses = {};
          for (const d of drawn) {
            const q = byId.get(d.id)!;
            const skill = Math.min(1, a + n * 0.12);
            const trap = misleading.has(`${s.courseId}|${q.id}`);
            let p = trap ? (skill < 0.65 ? 0.85 : 0.1) : 0.2 + 0.8 * skill - difficulty.get(`${s.courseId}|${q.id}`)!;
            if (n < forcedFails && !trap) p = 0.25;
            responses[q.id] = rand() < Math.max(0.03, Math.min(0.98, p)) ? correctResponse(q) : wrongResponse(q, rand);
          }
          result = scoreAttempt(questions, responses);
          if (n >= forcedFails || !isPassed(result.score, course.passMark) || tries > 20) break;
        }
        const id = seededUuid(rand);
        const passed = isPassed(result.score, course.passMark);
        const submitted = new Date(
          start + (8 + Math.floor(rand() * (settings.timeLimitMinutes ?? 30))) * 60_000,
        ).toISOString();
        attemptRows.push({
          id,
          user_id: s.userId,
          course_id: s.courseId,
          content_version: course.version,
          locale: 'uk',
          questions: JSON.stringify(drawn),
          started_at: new Date(start).toISOString(),
          deadline_at: settings.timeLimitMinutes
            ? new Date(start + settings.timeLimitMinutes * 60_000).toISOString()
            : null,
          submitted_at: submitted,
          score: result.score,
          passed: passed ? 1 : 0,
        });
        for (const qs of result.questions)
          responseRows.push({
            attempt_id: id,
            question_id: qs.id,
            response: JSON.stringify(responses[qs.id] ?? null),
            score: qs.score,
          });
        if (passed) {
          if (s.modulesDone)
            completionRows.push({
              user_id: s.userId,
              course_id: s.courseId,
              content_version: course.version,
              attempt_id: id,
              score: result.score,
              completed_at: submitted,
            });
          break;
        }
      }
    }
    for (let i = 0; i < attemptRows.length; i += 100)
      await db
        .insertInto('attempts')
        .values(attemptRows.slice(i, i + 100))
        .execute();
    for (let i = 0; i < responseRows.length; i += 200)
      await db
        .insertInto('attempt_responses')
        .values(responseRows.slice(i, i + 200))
        .execute();
    for (let i = 0; i < completionRows.length; i += 100)
      await db
        .insertInto('completions')
        .values(completionRows.slice(i, i + 100))
        .execute();
    await seedEvaluation(db, catalog, rand);
  };
}
