/**
 * Cohort reports for instructors: the dashboard's data (status per learner × course, funnel,
 * progress over time, score distribution, per-module completion, at-risk list), a learner's
 * drill-down, item analysis, and the grades and responses CSV exports (UTF-8 with a BOM so Excel
 * shows Cyrillic; streamed, so a large cohort never sits in memory as one string).
 */
import fs from 'node:fs';
import type { Context } from 'hono';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { analyseItems, type ScoredAttempt } from '../../courses/item-analysis.ts';
import type { Catalog } from '../../courses/catalog.ts';
import { courseProgress } from '../../courses/completion.ts';
import { correctResponse } from '../../courses/scoring.ts';
import type { Question } from '../../courses/schema/question.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { progressRepo } from '../../db/repos/progress.ts';
import { reportsRepo, type AttemptFact, type CohortFacts } from '../../db/repos/reports.ts';
import type { Cohort } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { CohortReport, ItemAnalysis, LearnerReport } from './schemas/reports.ts';
import { cohortFor } from './cohorts.ts';
import { idParam, localeField } from './fields.ts';

const STAFF = ['instructor', 'admin'] as const;
export type CourseStatus = 'not_started' | 'in_progress' | 'completed';
export type RiskReason = 'not_started' | 'overdue' | 'failed_twice';
const SCORE_BINS = 10;

export const csvQuery = z
  .object({ locale: localeField.default('uk'), delimiter: z.enum(['comma', 'semicolon']).default('comma') })
  .strict();
const learnerParams = z
  .object({ id: z.coerce.number().int().positive(), userId: z.coerce.number().int().positive() })
  .strict();
/** `learners=none`: the report without its per-learner rows (the dashboard's first, small request). */
export const reportQuery = z.object({ learners: z.enum(['all', 'none']).default('all') }).strict();

/** A report computed lately, with what it holds for: the write generation, the day and the catalog. */
interface RecentReport {
  generation: string;
  today: string;
  catalog: Catalog;
  report: ReturnType<typeof assembleReport>;
}
/** Per connection, the latest report of up to `RECENT_REPORTS` cohorts, least recently asked first. */
// Keyed by the app's Kysely instance (one per database connection), so the route needs no driver type.
const recentReports = new WeakMap<Deps['db'], Map<number, RecentReport>>();
// Four: a reused report is for the instructor who is looking now; each holds a 500-learner report (~1–2 MB).
const RECENT_REPORTS = 4;

/**
 * The report of one cohort. Computed from six aggregates read in one go (`reportsRepo.cohortFacts`),
 * or reused from the last computation for this cohort when nothing in the database has changed since
 * (the write generation: any row inserted, updated or deleted through this connection, or any commit
 * from another, moves it) on the same day with the same catalog: the dashboard asks for the summary
 * and then the full report, and an instructor reloads. A reused report is never stale: it is only
 * taken when the database holds exactly the data it was computed from. `cohort` and `generated_at`
 * are always the current ones. The objects are shared between answers: never modify them.
 */
export async function cohortReport(deps: Pick<Deps, 'storage' | 'catalog' | 'now'>, cohort: Cohort) {
  const now = deps.now();
  const today = now.toISOString().slice(0, 10);
  const db = deps.storage.read;
  let recent = recentReports.get(db);
  if (!recent) recentReports.set(db, (recent = new Map()));
  let entry = recent.get(cohort.id);
  if (
    !entry ||
    entry.today !== today ||
    entry.catalog !== deps.catalog ||
    entry.generation !== (await deps.storage.changes.generation())
  ) {
    const facts = await reportsRepo(db, deps.storage).cohortFacts(cohort.id);
    entry = {
      generation: facts.generation,
      today,
      catalog: deps.catalog,
      report: assembleReport(facts, deps.catalog, today),
    };
  }
  recent.delete(cohort.id);
  recent.set(cohort.id, entry);
  if (recent.size > RECENT_REPORTS) recent.delete(recent.keys().next().value!);
  return { cohort, generated_at: now.toISOString(), ...entry.report };
}

/**
 * The report's figures from the cohort's facts. Learners and courses are numbered once and every
 * learner × course figure lives in flat arrays at `learner * courses + course`, so 500 learners ×
 * 3 courses take a few passes over arrays, not a string key and a Map look-up per fact. Synchronous:
 * one report never interleaves with another, so ten at once are answered in turn, not all of them late.
 */
function assembleReport(facts: CohortFacts, catalog: Catalog, today: string) {
  const learners = facts.learners;
  const assigned = facts.courses.filter((a) => catalog.courses.has(a.course_id));
  const L = learners.length;
  const C = assigned.length;
  const learnerAt = new Map<number, number>();
  for (let i = 0; i < L; i++) learnerAt.set(learners[i]!.id, i);
  const courseAt = new Map<string, number>();
  for (let i = 0; i < C; i++) courseAt.set(assigned[i]!.course_id, i);
  /** The learner × course cell of a fact, or -1 for a course the report leaves out. */
  const cell = (userId: number, courseId: string) => {
    const c = courseAt.get(courseId);
    const l = learnerAt.get(userId);
    return c === undefined || l === undefined ? -1 : l * C + c;
  };

  const per = assigned.map(({ course_id, due_on }) => {
    const course = catalog.courses.get(course_id)!.course;
    return {
      course,
      course_id,
      due_on,
      moduleAt: new Map(course.modules.map((m, i) => [m, i])),
      moduleStarted: new Array<number>(course.modules.length).fill(0),
      moduleCompleted: new Array<number>(course.modules.length).fill(0),
      daily: new Map<string, { modules: number; completions: number }>(),
    };
  });
  const day = (daily: Map<string, { modules: number; completions: number }>, iso: string) => {
    const d = iso.slice(0, 10);
    let v = daily.get(d);
    if (!v) daily.set(d, (v = { modules: 0, completions: 0 }));
    return v;
  };

  // Per learner × course: modules with any event (of the course's current modules), modules completed.
  const startedModules = new Uint16Array(L * C);
  const doneModules = new Uint16Array(L * C);
  for (const [userId, courseId, moduleId, completedAt] of facts.modules) {
    const k = cell(userId, courseId);
    if (k < 0) continue;
    const p = per[k % C]!;
    const m = p.moduleAt.get(moduleId);
    if (m === undefined) continue;
    startedModules[k]!++;
    p.moduleStarted[m]!++;
    if (completedAt) {
      doneModules[k]!++;
      p.moduleCompleted[m]!++;
      day(p.daily, completedAt).modules++;
    }
  }
  const attemptsAt = new Array<AttemptFact | undefined>(L * C);
  for (const a of facts.attempts) {
    const k = cell(a[0], a[1]);
    if (k >= 0) attemptsAt[k] = a;
  }
  const completedAtAt = new Array<string | undefined>(L * C);
  for (const [userId, courseId, completedAt] of facts.completions) {
    const k = cell(userId, courseId);
    if (k >= 0) completedAtAt[k] = completedAt;
  }
  const certificateAt = new Array<string | undefined>(L * C);
  for (const [userId, courseId, code] of facts.certificates) {
    const k = cell(userId, courseId);
    if (k >= 0) certificateAt[k] = code;
  }

  const perLearner: LearnerCourse[][] = Array.from({ length: L }, () => []);
  const courses = per.map((p, c) => {
    const { course, course_id, due_on } = p;
    const total = course.modules.length;
    const funnel = { members: L, started: 0, modules_done: 0, passed: 0, completed: 0, certified: 0 };
    const bins = Array.from({ length: SCORE_BINS }, (_, i) => ({
      from: i * 10,
      to: i === SCORE_BINS - 1 ? 100 : i * 10 + 9,
      count: 0,
    }));
    const bests: number[] = [];
    const overdue = !!due_on && due_on < today;
    for (let l = 0; l < L; l++) {
      const k = l * C + c;
      const a = attemptsAt[k];
      const attempts = a ? a[2] : 0;
      const best = a ? a[3] : null;
      const passes = a ? a[4] : 0;
      const failed = a ? a[5] : 0;
      const completedAt = completedAtAt[k] ?? null;
      const certificate = certificateAt[k] ?? null;
      const done = doneModules[k]!;
      const started = startedModules[k]! > 0 || attempts > 0;
      const passed = course.assessment ? passes > 0 : done === total;
      const status: CourseStatus = completedAt ? 'completed' : started ? 'in_progress' : 'not_started';
      if (started || completedAt) funnel.started++;
      if (done === total) funnel.modules_done++;
      if (passed) funnel.passed++;
      if (completedAt) {
        funnel.completed++;
        day(p.daily, completedAt).completions++;
      }
      if (certificate) funnel.certified++;
      if (best !== null) {
        bins[Math.min(SCORE_BINS - 1, Math.floor(best / 10))]!.count++;
        bests.push(best);
      }
      const risk: RiskReason[] = [];
      if (status === 'not_started') risk.push('not_started');
      if (overdue && !completedAt) risk.push('overdue');
      if (failed >= 2 && !passes) risk.push('failed_twice');
      perLearner[l]!.push({
        course_id,
        status,
        modules_done: done,
        modules_total: total,
        attempts,
        failed,
        best_score: best,
        passed,
        completed_at: completedAt,
        certificate,
        risk,
      });
    }
    let cumModules = 0;
    let cumCompletions = 0;
    const progress = [...p.daily.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([date, v]) => ({
        date,
        modules_completed: (cumModules += v.modules),
        courses_completed: (cumCompletions += v.completions),
      }));
    return {
      id: course_id,
      title: course.title,
      due_on,
      pass_mark: course.passMark,
      assessment: !!course.assessment,
      modules: course.modules,
      funnel,
      module_completion: course.modules.map((module, m) => ({
        module,
        started: p.moduleStarted[m]!,
        completed: p.moduleCompleted[m]!,
      })),
      score_distribution: bins,
      progress_over_time: progress,
      best_score_median: median(bests),
    };
  });
  const rows = learners.map((l, i) => ({ ...l, courses: perLearner[i]! }));
  const at_risk = [];
  for (const l of rows) {
    for (const c of l.courses)
      if (c.risk.length)
        at_risk.push({
          user_id: l.id,
          full_name: l.full_name,
          email: l.email,
          course_id: c.course_id,
          reasons: c.risk,
        });
  }
  return { courses, learner_count: rows.length, learners: rows, at_risk };
}

/** The median of the learners' best scores, null when nobody has one. */
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface LearnerCourse {
  course_id: string;
  status: CourseStatus;
  modules_done: number;
  modules_total: number;
  attempts: number;
  failed: number;
  best_score: number | null;
  passed: boolean;
  completed_at: string | null;
  certificate: string | null;
  risk: RiskReason[];
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

function questionText(q: Question) {
  const options =
    q.type === 'single' || q.type === 'multiple'
      ? Object.fromEntries(q.options.map((o) => [o.id, { uk: o.uk.text, en: o.en.text }]))
      : q.type === 'true-false'
        ? { true: { uk: 'Правда', en: 'True' }, false: { uk: 'Неправда', en: 'False' } }
        : null;
  return { stem: { uk: q.uk.stem, en: q.en.stem }, options };
}

/** Excel and LibreOffice run a cell that starts with = + - @ as a formula (CSV injection, OWASP): quote it. */
const safeCell = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const csvStrings = new Map<string, Record<string, string>>();
function csvT(locale: 'uk' | 'en') {
  let table = csvStrings.get(locale);
  if (!table)
    csvStrings.set(
      locale,
      (table = JSON.parse(
        fs.readFileSync(new URL(`../../content/ui/instructor.${locale}.json`, import.meta.url), 'utf8'),
      ) as Record<string, string>),
    );
  return (k: string) => table![`instructor.csv.${k}`] ?? k;
}

/** A CSV download that starts with a UTF-8 BOM and is produced chunk by chunk as the client reads. */
function csvResponse(c: Context<AppEnv>, filename: string, chunks: AsyncGenerator<unknown[][]>, delimiter: string) {
  const enc = new TextEncoder();
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) return controller.close();
      const text = stringify(
        value.map((r) => r.map(safeCell)),
        { delimiter, record_delimiter: 'windows' },
      );
      controller.enqueue(enc.encode((first ? '\uFEFF' : '') + text));
      first = false;
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(stream, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
      'cache-control': 'no-store',
    },
  });
}

const isoDate = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

export function reportRoutes() {
  return new Resource('/api/reports', 'reports')
    .route(
      {
        method: 'get',
        path: '/cohorts/:id',
        response: CohortReport,
        errors: [404],
        summary:
          'Cohort report: status per learner × course, funnel, progress over time, score distribution, per-module completion, at-risk list (learners=none leaves out the per-learner rows)',
        access: STAFF,
        params: idParam,
        query: reportQuery,
      },
      async (c, { params, query }) => {
        const cohort = await cohortFor(c, params.id);
        const { learners, ...summary } = await cohortReport(c.get('deps'), cohort);
        return c.json(query.learners === 'none' ? summary : { ...summary, learners });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/learners/:userId',
        response: LearnerReport,
        errors: [404],
        summary: 'One learner of the cohort: modules, attempts with every response, completions and certificates',
        access: STAFF,
        params: learnerParams,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const learner = (await reportsRepo(deps.db).learners(cohort.id)).find((l) => l.id === params.userId);
        if (!learner) throw notFound('learner in this cohort');
        const assigned = await cohortsRepo(deps.db).courses(cohort.id);
        const [activity, data] = await Promise.all([
          progressRepo(deps.db).activity(learner.id),
          reportsRepo(deps.db).learner(learner.id, learner.joined_at),
        ]);
        const responsesBy = new Map<string, typeof data.responses>();
        for (const r of data.responses) responsesBy.set(r.attempt_id, [...(responsesBy.get(r.attempt_id) ?? []), r]);
        const courses = assigned.flatMap(({ course_id, due_on, assigned_at }) => {
          const loaded = deps.catalog.courses.get(course_id);
          if (!loaded) return [];
          const pool = new Map((loaded.pool ?? []).map((q) => [q.id, q]));
          const progress = courseProgress(
            loaded.course,
            activity.filter((a) => a.course_id === course_id),
            loaded,
          );
          const titles = Object.fromEntries(
            loaded.modules.uk.map((m) => [
              m.id,
              { uk: m.data.title, en: loaded.modules.en.find((e) => e.id === m.id)?.data.title ?? m.data.title },
            ]),
          );
          return [
            {
              id: course_id,
              title: loaded.course.title,
              due_on,
              pass_mark: loaded.course.passMark,
              modules: progress.modules.map((m) => ({ ...m, title: titles[m.id] ?? { uk: m.id, en: m.id } })),
              // Only what was made after the course was assigned here (and after joining: the query).
              attempts: data.attempts
                .filter((a) => a.course_id === course_id && a.started_at >= assigned_at)
                .map((a) => {
                  const order = (JSON.parse(a.questions) as { id: string }[]).map((d) => d.id);
                  const byQ = new Map((responsesBy.get(a.id) ?? []).map((r) => [r.question_id, r]));
                  return {
                    id: a.id,
                    started_at: a.started_at,
                    submitted_at: a.submitted_at,
                    score: a.score,
                    passed: a.passed === null ? null : a.passed === 1,
                    locale: a.locale,
                    responses: a.submitted_at
                      ? order.map((qid) => {
                          const q = pool.get(qid);
                          const r = byQ.get(qid);
                          return {
                            question_id: qid,
                            type: q?.type ?? null,
                            ...(q ? questionText(q) : { stem: null, options: null }),
                            response: r ? JSON.parse(r.response) : null,
                            score: r?.score ?? 0,
                            correct_response: q ? correctResponse(q) : null,
                          };
                        })
                      : [],
                  };
                }),
              completions: data.completions.filter((x) => x.course_id === course_id && x.completed_at >= assigned_at),
              certificates: data.certificates.filter((x) => x.course_id === course_id && x.issued_at >= assigned_at),
            },
          ];
        });
        return c.json({ learner, courses });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/items',
        response: ItemAnalysis,
        errors: [404],
        summary:
          'Item analysis per graded question: responses, facility, discrimination (upper vs lower 27%), choice counts, flags',
        access: STAFF,
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const assigned = await cohortsRepo(deps.db).courses(cohort.id);
        const courses = [];
        for (const { course_id } of assigned) {
          const loaded = deps.catalog.courses.get(course_id);
          if (!loaded?.pool || !loaded.course.assessment) continue;
          const { attempts, responses } = await reportsRepo(deps.storage.read).itemData(cohort.id, course_id);
          const byAttempt = new Map<string, ScoredAttempt>(
            attempts.map((a) => [a.id, { id: a.id, total: a.score ?? 0, responses: [] }]),
          );
          for (const r of responses)
            byAttempt
              .get(r.attempt_id)
              ?.responses.push({ questionId: r.question_id, response: JSON.parse(r.response), score: r.score });
          const pool = new Map(loaded.pool.map((q) => [q.id, q]));
          const items = analyseItems(loaded.pool, [...byAttempt.values()]).map((s) => ({
            ...s,
            facility: round3(s.facility),
            discrimination: round3(s.discrimination),
            ...questionText(pool.get(s.questionId)!),
          }));
          courses.push({ id: course_id, title: loaded.course.title, attempts: attempts.length, items });
        }
        return c.json({ courses });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/grades.csv',
        summary:
          'Grades CSV (UTF-8 with BOM, streamed): one row per learner with per-course status, modules, best score, completion date, certificate code',
        access: STAFF,
        params: idParam,
        query: csvQuery,
        produces: 'text/csv',
        errors: [404],
      },
      async (c, { params, query }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const report = await cohortReport(deps, cohort);
        const t = csvT(query.locale);
        const header = [t('name'), t('email'), t('role')];
        for (const course of report.courses) {
          const title = course.title[query.locale];
          header.push(
            `${title}: ${t('status')}`,
            `${title}: ${t('modules')}`,
            `${title}: ${t('best')}`,
            `${title}: ${t('completed')}`,
            `${title}: ${t('certificate')}`,
          );
        }
        async function* rows() {
          yield [header];
          for (let i = 0; i < report.learners.length; i += 500) {
            yield report.learners
              .slice(i, i + 500)
              .map((l) => [
                l.full_name,
                l.email,
                t(`role.${l.role}`),
                ...l.courses.flatMap((x) => [
                  t(`status.${x.status}`),
                  `${x.modules_done}/${x.modules_total}`,
                  x.best_score ?? '',
                  isoDate(x.completed_at),
                  x.certificate ?? '',
                ]),
              ]);
          }
        }
        return csvResponse(c, `cohort-${cohort.id}-grades.csv`, rows(), query.delimiter === 'semicolon' ? ';' : ',');
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/responses.csv',
        summary: 'Per-question responses CSV (UTF-8 with BOM, streamed page by page from the database)',
        access: STAFF,
        params: idParam,
        query: csvQuery,
        produces: 'text/csv',
        errors: [404],
      },
      async (c, { params, query }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const courseIds = (await cohortsRepo(deps.db).courses(cohort.id)).map((x) => x.course_id);
        const t = csvT(query.locale);
        const pools = new Map(
          courseIds.map((id) => [id, new Map((deps.catalog.courses.get(id)?.pool ?? []).map((q) => [q.id, q]))]),
        );
        async function* rows() {
          yield [
            [
              t('name'),
              t('email'),
              t('course'),
              t('attempt'),
              t('submitted'),
              t('attemptScore'),
              t('passed'),
              t('question'),
              t('module'),
              t('questionType'),
              t('response'),
              t('questionScore'),
            ],
          ];
          let after: { attempt_id: string; question_id: string } | null = null;
          for (;;) {
            const page = await reportsRepo(deps.storage.read).responsesPage(cohort.id, courseIds, after, 2000);
            if (page.length === 0) return;
            after = page.at(-1)!;
            yield page.map((r) => {
              const q = pools.get(r.course_id)?.get(r.question_id);
              const response = JSON.parse(r.response) as unknown;
              return [
                r.full_name,
                r.email,
                r.course_id,
                r.attempt_id,
                r.submitted_at ?? '',
                r.total ?? '',
                r.passed === 1 ? t('yes') : t('no'),
                r.question_id,
                q?.module ?? '',
                q?.type ?? '',
                response === null ? '' : typeof response === 'string' ? response : JSON.stringify(response),
                r.score,
              ];
            });
          }
        }
        return csvResponse(c, `cohort-${cohort.id}-responses.csv`, rows(), query.delimiter === 'semicolon' ? ';' : ',');
      },
    );
}
