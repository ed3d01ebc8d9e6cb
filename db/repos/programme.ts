/**
 * What the programme dashboard counts, one fact per learner (api/programme/cube.ts aggregates them).
 * A learner counts once, in the earliest cohort they joined that belongs to an organisation and is not
 * archived, so the country is exactly the sum of its oblasts and an oblast of its organisations.
 * Portable queries only (Kysely's builder; the per-learner arithmetic is done here in TypeScript).
 */
import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import { LEARNER_ROLES, isLearnerRole, type LearnerRole } from '../schema.ts';

/** What the programme knows about one learner; aggregated by api/programme/cube.ts, never returned to a client. */
export interface LearnerFact {
  role: LearnerRole;
  organisationId: number;
  oblast: string;
  /** Month (YYYY-MM) the learner joined their cohort. */
  joinedMonth: string;
  /** Studied in the last 30 days. */
  active: boolean;
  /** Month they completed every course assigned to their cohort, or null. */
  completedMonth: string | null;
  /** Month their current valid certificate was issued, or null when they hold none. */
  certifiedMonth: string | null;
  /** A course assigned to their cohort is past its due date and not completed. */
  overdue: boolean;
  /** Their valid certificate expires within 60 days. */
  expiring: boolean;
  /** Submitted a final assessment in an assigned course. */
  assessed: boolean;
  passed: boolean;
  /** Best final score 0–100, when assessed. */
  bestScore: number | null;
}

const DAY = 86_400_000;
/** Studied within this many days: "active". */
export const ACTIVE_DAYS = 30;
/** A valid certificate expiring within this many days: "expiring". */
export const EXPIRING_DAYS = 60;

export function programmeRepo(db: DB) {
  return {
    /** Live cohorts that belong to an organisation, with its oblast (what the evaluation figures group by). */
    placedCohorts() {
      return db
        .selectFrom('cohorts')
        .innerJoin('organisations', 'organisations.id', 'cohorts.organisation_id')
        .select(['cohorts.id as cohortId', 'organisations.id as organisationId', 'organisations.oblast_code as oblast'])
        .where('cohorts.archived_at', 'is', null)
        .orderBy('cohorts.id')
        .execute();
    },

    async learnerFacts(now: Date): Promise<LearnerFact[]> {
      const nowIso = now.toISOString();
      const today = nowIso.slice(0, 10);
      const memberships = await db
        .selectFrom('cohort_members')
        .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
        .innerJoin('organisations', 'organisations.id', 'cohorts.organisation_id')
        .innerJoin('users', 'users.id', 'cohort_members.user_id')
        .select([
          'cohort_members.user_id',
          'cohort_members.joined_at',
          'cohorts.id as cohort_id',
          'organisations.id as organisation_id',
          'organisations.oblast_code',
          'users.role',
        ])
        .where('cohorts.archived_at', 'is', null)
        .where('users.erased_at', 'is', null)
        .where('users.role', 'in', [...LEARNER_ROLES])
        .orderBy('cohort_members.joined_at')
        .orderBy('cohorts.id')
        .execute();
      const primary = new Map<number, (typeof memberships)[number]>();
      for (const m of memberships) if (!primary.has(m.user_id)) primary.set(m.user_id, m);
      if (primary.size === 0) return [];

      const cohortIds = [...new Set([...primary.values()].map((m) => m.cohort_id))];
      const assigned = await db
        .selectFrom('cohort_courses')
        .select(['cohort_id', 'course_id', 'due_on'])
        .where('cohort_id', 'in', cohortIds)
        .execute();
      const coursesOf = new Map<number, { course_id: string; due_on: string | null }[]>();
      for (const a of assigned) coursesOf.set(a.cohort_id, [...(coursesOf.get(a.cohort_id) ?? []), a]);

      const since = new Date(now.getTime() - ACTIVE_DAYS * DAY).toISOString();
      const active = new Set(
        (
          await db
            .selectFrom('progress_events')
            .select('user_id')
            .distinct()
            .where('occurred_at', '>=', since)
            .where('occurred_at', '<=', nowIso)
            .execute()
        ).map((r) => r.user_id),
      );
      const completions = await db
        .selectFrom('completions')
        .select(['user_id', 'course_id', (eb) => eb.fn.min('completed_at').as('first')])
        .groupBy(['user_id', 'course_id'])
        .execute();
      const completed = new Map<string, string>();
      for (const c of completions) completed.set(`${c.user_id}:${c.course_id}`, String(c.first));
      const certificates = await db
        .selectFrom('certificates')
        .select(['user_id', 'course_id', 'issued_at', 'expires_at'])
        .where('revoked_at', 'is', null)
        .where('superseded_by', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', nowIso)]))
        .execute();
      const attempts = await db
        .selectFrom('attempts')
        .select([
          'user_id',
          'course_id',
          (eb) => eb.fn.max('score').as('best'),
          // `passed` is a boolean on PostgreSQL (no max(boolean) there) and 0/1 on SQLite.
          sql<number>`max(case when ${sql.ref('passed')} then 1 else 0 end)`.as('passed'),
        ])
        .where('submitted_at', 'is not', null)
        .where('score', 'is not', null)
        .groupBy(['user_id', 'course_id'])
        .execute();
      const best = new Map<string, { best: number; passed: boolean }>();
      for (const a of attempts)
        best.set(`${a.user_id}:${a.course_id}`, { best: Number(a.best), passed: Number(a.passed) === 1 });
      const expiringBefore = new Date(now.getTime() + EXPIRING_DAYS * DAY).toISOString();

      const facts: LearnerFact[] = [];
      for (const [userId, m] of primary) {
        if (!isLearnerRole(m.role)) continue;
        const courses = coursesOf.get(m.cohort_id) ?? [];
        const ids = new Set(courses.map((c) => c.course_id));
        const done = courses.map((c) => completed.get(`${userId}:${c.course_id}`) ?? null);
        const completedAt =
          courses.length > 0 && done.every((d) => d !== null) ? done.reduce((a, b) => (a! > b! ? a : b)) : null;
        const certs = certificates
          .filter((c) => c.user_id === userId && ids.has(c.course_id))
          .sort((a, b) => b.issued_at.localeCompare(a.issued_at));
        const scores = courses.map((c) => best.get(`${userId}:${c.course_id}`)).filter((b) => b !== undefined);
        facts.push({
          role: m.role,
          organisationId: m.organisation_id,
          oblast: m.oblast_code,
          joinedMonth: m.joined_at.slice(0, 7),
          active: active.has(userId),
          completedMonth: completedAt ? completedAt.slice(0, 7) : null,
          certifiedMonth: certs[0] ? certs[0].issued_at.slice(0, 7) : null,
          overdue: courses.some((c, i) => c.due_on !== null && c.due_on < today && done[i] === null),
          expiring: certs.some((c) => c.expires_at !== null && c.expires_at <= expiringBefore),
          assessed: scores.length > 0,
          passed: scores.some((s) => s.passed),
          bestScore: scores.length ? Math.max(...scores.map((s) => s.best)) : null,
        });
      }
      return facts;
    },
  };
}
