/**
 * The cohort report against a straightforward recomputation, learner by learner, on randomised
 * cohorts: progress (with events for modules a course no longer has, for courses the cohort is not
 * assigned and from people outside the cohort), open and submitted attempts, completions, revoked and
 * reissued certificates, due dates in the past and the future, an assigned course missing from the
 * catalog, and a course without an assessment. Then that a report reused from an earlier request
 * (nothing written since) is never stale: after writes through the server's connection, through
 * another connection, and on the next day.
 */
import zlib from 'node:zlib';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../courses/catalog.ts';
import { seededRng } from '../../courses/scorm/common/draft.ts';
import type { DB } from '../../db/connection.ts';
import { fixtures, makeTestApp } from '../helpers/app.ts';
import { sqliteOf } from '../helpers/engine.ts';

const NOW = new Date('2026-12-01T12:00:00Z');
let now = NOW;

/** The fixture catalog plus a second course without an assessment. */
function catalog(): Catalog {
  const base = fixtures();
  const fixture = base.courses.get('fixture-course')!;
  const { assessment: _none, ...rest } = fixture.course;
  const plain = {
    ...fixture,
    course: { ...rest, id: 'plain-course', modules: ['intro', 'middle', 'end', 'extra'], passMark: 0 },
    pool: null,
  };
  return { ...base, courses: new Map([...base.courses, ['plain-course', plain]]) };
}

/** The report recomputed the simple way: for each learner and course, its own queries, then the rules. */
async function recompute(db: DB, cat: Catalog, cohortId: number) {
  const today = now.toISOString().slice(0, 10);
  const learners = await db
    .selectFrom('cohort_members')
    .innerJoin('users', 'users.id', 'cohort_members.user_id')
    .select(['users.id', 'users.full_name', 'users.email', 'users.role', 'users.active', 'cohort_members.joined_at'])
    .where('cohort_members.cohort_id', '=', cohortId)
    .execute();
  learners.sort((a, b) => (a.full_name < b.full_name ? -1 : a.full_name > b.full_name ? 1 : a.id - b.id));
  const assigned = (
    await db.selectFrom('cohort_courses').select(['course_id', 'due_on']).where('cohort_id', '=', cohortId).execute()
  )
    .filter((a) => cat.courses.has(a.course_id))
    .sort((a, b) => (a.course_id < b.course_id ? -1 : 1));
  const rows = learners.map((l) => ({ ...l, courses: [] as Record<string, unknown>[] }));
  const courses = [];
  for (const { course_id, due_on } of assigned) {
    const course = cat.courses.get(course_id)!.course;
    const funnel = { members: learners.length, started: 0, modules_done: 0, passed: 0, completed: 0, certified: 0 };
    const moduleCompletion = course.modules.map((module) => ({ module, started: 0, completed: 0 }));
    const bins = Array.from({ length: 10 }, (_, i) => ({ from: i * 10, to: i === 9 ? 100 : i * 10 + 9, count: 0 }));
    const bests: number[] = [];
    const modulesByDay = new Map<string, number>();
    const completionsByDay = new Map<string, number>();
    for (const row of rows) {
      const events = await db
        .selectFrom('progress_events')
        .selectAll()
        .where('user_id', '=', row.id)
        .where('course_id', '=', course_id)
        .execute();
      const attempts = await db
        .selectFrom('attempts')
        .selectAll()
        .where('user_id', '=', row.id)
        .where('course_id', '=', course_id)
        .execute();
      const completions = await db
        .selectFrom('completions')
        .selectAll()
        .where('user_id', '=', row.id)
        .where('course_id', '=', course_id)
        .execute();
      const certificates = await db
        .selectFrom('certificates')
        .selectAll()
        .where('user_id', '=', row.id)
        .where('course_id', '=', course_id)
        .where('revoked_at', 'is', null)
        .execute();
      let done = 0;
      let startedModules = 0;
      course.modules.forEach((m, i) => {
        const mine = events.filter((e) => e.module_id === m);
        if (!mine.length) return;
        startedModules++;
        moduleCompletion[i]!.started++;
        const firsts = mine
          .filter((e) => e.kind === 'completed')
          .map((e) => e.occurred_at)
          .sort();
        if (firsts.length) {
          done++;
          moduleCompletion[i]!.completed++;
          modulesByDay.set(firsts[0]!.slice(0, 10), (modulesByDay.get(firsts[0]!.slice(0, 10)) ?? 0) + 1);
        }
      });
      const submitted = attempts.filter((a) => a.submitted_at !== null).length;
      const scores = attempts.map((a) => a.score).filter((s): s is number => s !== null);
      const best = scores.length ? Math.max(...scores) : null;
      const passes = attempts.filter((a) => a.passed === 1).length;
      const failed = attempts.filter((a) => a.passed === 0).length;
      const completedAt = completions.map((c) => c.completed_at).sort()[0] ?? null;
      const certificate = certificates.sort((a, b) => (a.issued_at < b.issued_at ? 1 : -1))[0]?.code ?? null;
      const started = startedModules > 0 || submitted > 0;
      const passed = course.assessment ? passes > 0 : done === course.modules.length;
      const status = completedAt ? 'completed' : started ? 'in_progress' : 'not_started';
      if (started || completedAt) funnel.started++;
      if (done === course.modules.length) funnel.modules_done++;
      if (passed) funnel.passed++;
      if (completedAt) {
        funnel.completed++;
        completionsByDay.set(completedAt.slice(0, 10), (completionsByDay.get(completedAt.slice(0, 10)) ?? 0) + 1);
      }
      if (certificate) funnel.certified++;
      if (best !== null) {
        bins[Math.min(9, Math.floor(best / 10))]!.count++;
        bests.push(best);
      }
      const risk = [
        ...(status === 'not_started' ? ['not_started'] : []),
        ...(due_on && due_on < today && !completedAt ? ['overdue'] : []),
        ...(failed >= 2 && !passes ? ['failed_twice'] : []),
      ];
      row.courses.push({
        course_id,
        status,
        modules_done: done,
        modules_total: course.modules.length,
        attempts: submitted,
        failed,
        best_score: best,
        passed,
        completed_at: completedAt,
        certificate,
        risk,
      });
    }
    const days = [...new Set([...modulesByDay.keys(), ...completionsByDay.keys()])].sort();
    let m = 0;
    let c = 0;
    const sorted = [...bests].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    courses.push({
      id: course_id,
      title: course.title,
      due_on,
      pass_mark: course.passMark,
      assessment: !!course.assessment,
      modules: course.modules,
      funnel,
      module_completion: moduleCompletion,
      score_distribution: bins,
      progress_over_time: days.map((date) => ({
        date,
        modules_completed: (m += modulesByDay.get(date) ?? 0),
        courses_completed: (c += completionsByDay.get(date) ?? 0),
      })),
      best_score_median: sorted.length
        ? sorted.length % 2
          ? sorted[mid]!
          : (sorted[mid - 1]! + sorted[mid]!) / 2
        : null,
    });
  }
  const at_risk = rows.flatMap((l) =>
    l.courses
      .filter((c) => (c.risk as string[]).length)
      .map((c) => ({ user_id: l.id, full_name: l.full_name, email: l.email, course_id: c.course_id, reasons: c.risk })),
  );
  return { courses, learner_count: rows.length, learners: rows, at_risk };
}

describe('the cohort report equals a learner-by-learner recomputation on randomised cohorts', async () => {
  const cat = catalog();
  const t = await makeTestApp({ now: () => now, catalog: cat });
  const instructor = await t.userWithSession('instructor');
  const db = t.deps.db;

  for (const seed of [1, 2, 3, 4]) {
    it(`seed ${seed}`, async () => {
      const rand = seededRng(seed * 7919);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      const day = (d: number) =>
        new Date(Date.UTC(2026, 9, 1) + d * 86_400_000 + Math.floor(rand() * 86_400_000)).toISOString();
      const cohort = (
        await (
          await t.request('/api/cohorts', { cookie: instructor.cookie, json: { name: `Група ${seed}`, unit: 'ХНУВС' } })
        ).json()
      ).cohort;
      const dues = [`2026-11-${10 + seed}`, '2027-01-15', null];
      await db
        .insertInto('cohort_courses')
        .values([
          { cohort_id: cohort.id, course_id: 'fixture-course', due_on: pick(dues) },
          { cohort_id: cohort.id, course_id: 'plain-course', due_on: pick(dues) },
          { cohort_id: cohort.id, course_id: 'gone-course', due_on: null },
        ])
        .execute();
      const size = 15 + Math.floor(rand() * 30);
      const members: number[] = [];
      // A few names repeat, so the order by name then id matters.
      for (let i = 0; i < size + 5; i++) {
        const u = await t.createUser(
          pick(['cadet', 'officer'] as const),
          `r${seed}-${i}@test.ua`,
          `${pick(['Іваненко', 'Петренко', 'Сидоренко'])} ${pick(['Анна', 'Борис', 'Віра'])}`,
        );
        if (i < size) {
          members.push(u.id);
          await db
            .insertInto('cohort_members')
            .values({ cohort_id: cohort.id, user_id: u.id, joined_at: day(0) })
            .execute();
        }
        // The last five are outside the cohort: their rows must not count.
        const courses = {
          'fixture-course': cat.courses.get('fixture-course')!.course.modules,
          'plain-course': ['intro', 'middle', 'end', 'extra', 'removed-module'],
          'other-course': ['x'],
        };
        let n = 0;
        for (const [course_id, modules] of Object.entries(courses)) {
          const activity = rand();
          for (const module_id of modules) {
            if (rand() > activity) continue;
            for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
              const kind = pick(['viewed', 'viewed', 'completed', 'practice'] as const);
              const at = day(Math.floor(rand() * 50));
              await db
                .insertInto('progress_events')
                .values({
                  client_id: `e${n++}`,
                  user_id: u.id,
                  course_id,
                  module_id,
                  kind,
                  score: kind === 'practice' ? Math.floor(rand() * 101) : null,
                  occurred_at: at,
                  received_at: at,
                })
                .execute();
            }
          }
        }
        const fixture = cat.courses.get('fixture-course')!.course;
        const tries = Math.floor(rand() * 4);
        for (let k = 0; k < tries; k++) {
          const open = k === tries - 1 && rand() < 0.3;
          const score = open ? null : Math.round(rand() * 10000) / 100;
          const at = day(30 + k * 5);
          const id = crypto.randomUUID();
          await db
            .insertInto('attempts')
            .values({
              id,
              user_id: u.id,
              course_id: 'fixture-course',
              content_version: fixture.version,
              locale: 'uk',
              questions: '[]',
              started_at: at,
              deadline_at: null,
              submitted_at: open ? null : at,
              score,
              passed: open ? null : score! >= fixture.passMark ? 1 : 0,
            })
            .execute();
          if (!open && score! >= fixture.passMark && rand() < 0.8) {
            const completion = await db
              .insertInto('completions')
              .values({
                user_id: u.id,
                course_id: 'fixture-course',
                content_version: fixture.version,
                attempt_id: id,
                score,
                completed_at: at,
              })
              .returning('id')
              .executeTakeFirstOrThrow();
            if (rand() < 0.8) {
              await db
                .insertInto('certificates')
                .values({
                  code: `C-${seed}-${u.id}-${k}`,
                  user_id: u.id,
                  completion_id: completion.id,
                  course_id: 'fixture-course',
                  content_version: fixture.version,
                  name_printed: u.full_name,
                  score: score!,
                  issued_at: at,
                  expires_at: null,
                  revoked_at: rand() < 0.3 ? day(60) : null,
                  revoked_reason: null,
                  signature: 'x',
                })
                .execute();
            }
          }
        }
        if (rand() < 0.3) {
          const at = day(40);
          await db
            .insertInto('completions')
            .values({
              user_id: u.id,
              course_id: 'plain-course',
              content_version: '1',
              attempt_id: `plain-${u.id}`,
              score: null,
              completed_at: at,
            })
            .execute();
        }
      }
      expect(members.length).toBe(size);

      const res = await t.request(`/api/reports/cohorts/${cohort.id}`, { cookie: instructor.cookie });
      expect(res.status).toBe(200);
      const { cohort: _c, generated_at, ...report } = await res.json();
      expect(generated_at).toBe(NOW.toISOString());
      expect(report).toEqual(await recompute(db, cat, cohort.id));
      // The summary is the same report without the rows.
      const {
        cohort: _c2,
        generated_at: _g,
        ...summary
      } = await (
        await t.request(`/api/reports/cohorts/${cohort.id}?learners=none`, { cookie: instructor.cookie })
      ).json();
      const { learners: _rows, ...rest } = report;
      expect(summary).toEqual(rest);
    });
  }

  it('is gzipped for clients that accept it, with the same Vary header either way', async () => {
    const id = (await db.selectFrom('cohorts').select('id').execute()).at(-1)!.id;
    const plain = await t.request(`/api/reports/cohorts/${id}`, { cookie: instructor.cookie });
    const zipped = await t.request(`/api/reports/cohorts/${id}`, {
      cookie: instructor.cookie,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    for (const r of [plain, zipped]) {
      expect(r.headers.get('vary')).toBe('Accept-Encoding');
      expect(r.headers.get('cache-control')).toBe('no-store');
    }
    expect(JSON.parse(zlib.gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8'))).toEqual(
      await plain.json(),
    );
  });

  it('never answers from an earlier computation after a write or on the next day', async () => {
    const cohorts = await db.selectFrom('cohorts').select('id').execute();
    const id = cohorts.at(-1)!.id;
    const get = async () => {
      const {
        cohort: _c,
        generated_at,
        ...report
      } = await (await t.request(`/api/reports/cohorts/${id}`, { cookie: instructor.cookie })).json();
      expect(generated_at).toBe(now.toISOString());
      return report;
    };
    const check = async () => expect(await get()).toEqual(await recompute(db, cat, id));
    await check();
    await check(); // answered again with nothing written in between
    const member = (await db.selectFrom('cohort_members').select('user_id').where('cohort_id', '=', id).execute()).map(
      (m) => m.user_id,
    );
    const fixture = cat.courses.get('fixture-course')!.course;
    // Through the server's own connection: a module completed, an attempt failed, a certificate revoked, a member removed.
    await db
      .insertInto('progress_events')
      .values({
        client_id: 'late-1',
        user_id: member[0]!,
        course_id: 'fixture-course',
        module_id: fixture.modules[0]!,
        kind: 'completed',
        score: null,
        occurred_at: '2026-11-30T08:00:00.000Z',
        received_at: '2026-11-30T08:00:00.000Z',
      })
      .execute();
    await check();
    await db
      .insertInto('attempts')
      .values({
        id: crypto.randomUUID(),
        user_id: member[1]!,
        course_id: 'fixture-course',
        content_version: fixture.version,
        locale: 'uk',
        questions: '[]',
        started_at: '2026-11-30T09:00:00.000Z',
        deadline_at: null,
        submitted_at: '2026-11-30T09:00:00.000Z',
        score: 12.5,
        passed: 0,
      })
      .execute();
    await check();
    await db
      .updateTable('certificates')
      .set({ revoked_at: '2026-11-30T10:00:00.000Z' })
      .where('revoked_at', 'is', null)
      .where('user_id', 'in', member)
      .execute();
    await check();
    await db.deleteFrom('cohort_members').where('cohort_id', '=', id).where('user_id', '=', member[2]!).execute();
    await check();
    // Through another connection to the same file (a CLI, a restore): PRAGMA data_version moves.
    const other = new SQLite(sqliteOf(t.deps.storage).sqlite.name);
    other.prepare("update users set full_name = 'Яковенко Юлія' where id = ?").run(member[3]!);
    other
      .prepare(
        "insert into progress_events (client_id, user_id, course_id, module_id, kind, score, occurred_at, received_at) values ('late-2', ?, 'plain-course', 'end', 'completed', null, '2026-11-30T11:00:00.000Z', '2026-11-30T11:00:00.000Z')",
      )
      .run(member[4]!);
    other.close();
    await check();
    // The next day: due dates that were ahead may now be past.
    await db.updateTable('cohort_courses').set({ due_on: '2026-12-01' }).where('cohort_id', '=', id).execute();
    await check();
    const before = await get();
    now = new Date('2026-12-02T09:00:00Z');
    // The next morning the instructor signs in again (a staff session ends after 12 h without use).
    instructor.cookie = await t.login(instructor.user.email);
    try {
      const after = await get();
      expect(after).toEqual(await recompute(db, cat, id));
      expect(after.at_risk.length).toBeGreaterThan(before.at_risk.length);
    } finally {
      now = NOW;
    }
  });
});
