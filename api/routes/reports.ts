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
import { courseProgress } from '../../courses/completion.ts';
import { correctResponse } from '../../courses/scoring.ts';
import type { Question } from '../../courses/schema/question.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { progressRepo } from '../../db/repos/progress.ts';
import { reportsRepo } from '../../db/repos/reports.ts';
import type { Cohort } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { cohortFor } from './cohorts.ts';
import { idParam, localeField } from './fields.ts';

const STAFF = ['instructor', 'admin'] as const;
export type CourseStatus = 'not_started' | 'in_progress' | 'completed';
export type RiskReason = 'not_started' | 'overdue' | 'failed_twice';
const SCORE_BINS = 10;

export const csvQuery = z.object({ locale: localeField.default('uk'), delimiter: z.enum(['comma', 'semicolon']).default('comma') }).strict();
const learnerParams = z.object({ id: z.coerce.number().int().positive(), userId: z.coerce.number().int().positive() }).strict();
/** `learners=none`: the report without its per-learner rows (the dashboard's first, small request). */
export const reportQuery = z.object({ learners: z.enum(['all', 'none']).default('all') }).strict();

/** The report of one cohort, from five aggregate queries. */
export async function cohortReport(deps: Pick<Deps, 'db' | 'catalog' | 'now'>, cohort: Cohort) {
  const repo = reportsRepo(deps.db);
  const assigned = (await cohortsRepo(deps.db).courses(cohort.id)).filter((a) => deps.catalog.courses.has(a.course_id));
  const ids = assigned.map((a) => a.course_id);
  const [learners, modules, attempts, completions, certificates] = await Promise.all([
    repo.learners(cohort.id), repo.modules(cohort.id, ids), repo.attempts(cohort.id, ids), repo.completions(cohort.id, ids), repo.certificates(cohort.id, ids),
  ]);
  const key = (u: number, c: string) => `${u}|${c}`;
  const today = deps.now().toISOString().slice(0, 10);
  const modulesBy = new Map<string, typeof modules>();
  for (const m of modules) {
    const k = key(m.user_id, m.course_id);
    const list = modulesBy.get(k);
    if (list) list.push(m);
    else modulesBy.set(k, [m]);
  }
  const attemptsBy = new Map(attempts.map((a) => [key(a.user_id, a.course_id), a]));
  const completedBy = new Map(completions.map((c) => [key(c.user_id, c.course_id), c.completed_at]));
  const certBy = new Map(certificates.map((c) => [key(c.user_id, c.course_id), c]));

  const perLearner = new Map(learners.map((l) => [l.id, [] as LearnerCourse[]]));
  const courses = assigned.map(({ course_id, due_on }) => {
    const course = deps.catalog.courses.get(course_id)!.course;
    const moduleSet = new Set(course.modules);
    const funnel = { members: learners.length, started: 0, modules_done: 0, passed: 0, completed: 0, certified: 0 };
    const moduleCounts = new Map(course.modules.map((m) => [m, { module: m, started: 0, completed: 0 }]));
    const bins = Array.from({ length: SCORE_BINS }, (_, i) => ({ from: i * 10, to: i === SCORE_BINS - 1 ? 100 : i * 10 + 9, count: 0 }));
    const bests: number[] = [];
    const daily = new Map<string, { modules: number; completions: number }>();
    const day = (iso: string) => { const d = iso.slice(0, 10); let v = daily.get(d); if (!v) daily.set(d, (v = { modules: 0, completions: 0 })); return v; };
    for (const l of learners) {
      const k = key(l.id, course_id);
      const rows = (modulesBy.get(k) ?? []).filter((m) => moduleSet.has(m.module_id));
      const a = attemptsBy.get(k);
      const completedAt = completedBy.get(k) ?? null;
      const cert = certBy.get(k);
      let done = 0;
      for (const m of rows) {
        const counts = moduleCounts.get(m.module_id)!;
        counts.started++;
        if (m.completed_at) { counts.completed++; done++; day(m.completed_at).modules++; }
      }
      const started = rows.length > 0 || (a?.attempts ?? 0) > 0;
      const passed = course.assessment ? (a?.passed ?? 0) > 0 : done === course.modules.length;
      const status: CourseStatus = completedAt ? 'completed' : started ? 'in_progress' : 'not_started';
      if (started || completedAt) funnel.started++;
      if (done === course.modules.length) funnel.modules_done++;
      if (passed) funnel.passed++;
      if (completedAt) { funnel.completed++; day(completedAt).completions++; }
      if (cert) funnel.certified++;
      if (a?.best !== null && a?.best !== undefined) { bins[Math.min(SCORE_BINS - 1, Math.floor(a.best / 10))]!.count++; bests.push(a.best); }
      const risk: RiskReason[] = [];
      if (status === 'not_started') risk.push('not_started');
      if (due_on && due_on < today && !completedAt) risk.push('overdue');
      if ((a?.failed ?? 0) >= 2 && !(a?.passed ?? 0)) risk.push('failed_twice');
      perLearner.get(l.id)!.push({
        course_id, status, modules_done: done, modules_total: course.modules.length,
        attempts: a?.attempts ?? 0, failed: a?.failed ?? 0, best_score: a?.best ?? null, passed,
        completed_at: completedAt, certificate: cert?.code ?? null, risk,
      });
    }
    let cumModules = 0;
    let cumCompletions = 0;
    const progress = [...daily.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([date, v]) => ({
      date, modules_completed: (cumModules += v.modules), courses_completed: (cumCompletions += v.completions),
    }));
    return {
      id: course_id, title: course.title, due_on, pass_mark: course.passMark, assessment: !!course.assessment,
      modules: course.modules,
      funnel, module_completion: [...moduleCounts.values()], score_distribution: bins, progress_over_time: progress,
      best_score_median: median(bests),
    };
  });
  const rows = learners.map((l) => ({ ...l, courses: perLearner.get(l.id)! }));
  const at_risk = rows.flatMap((l) => l.courses.filter((c) => c.risk.length).map((c) => ({ user_id: l.id, full_name: l.full_name, email: l.email, course_id: c.course_id, reasons: c.risk })));
  return { cohort, generated_at: deps.now().toISOString(), courses, learner_count: rows.length, learners: rows, at_risk };
}

/** The median of the learners' best scores, null when nobody has one. */
function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface LearnerCourse {
  course_id: string; status: CourseStatus; modules_done: number; modules_total: number; attempts: number; failed: number;
  best_score: number | null; passed: boolean; completed_at: string | null; certificate: string | null; risk: RiskReason[];
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

function questionText(q: Question) {
  const options =
    q.type === 'single' || q.type === 'multiple' ? Object.fromEntries(q.options.map((o) => [o.id, { uk: o.uk.text, en: o.en.text }]))
    : q.type === 'true-false' ? { true: { uk: 'Правда', en: 'True' }, false: { uk: 'Неправда', en: 'False' } }
    : null;
  return { stem: { uk: q.uk.stem, en: q.en.stem }, options };
}

/** Excel and LibreOffice run a cell that starts with = + - @ as a formula (CSV injection, OWASP): quote it. */
const safeCell = (v: unknown) => (typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

const csvStrings = new Map<string, Record<string, string>>();
function csvT(locale: 'uk' | 'en') {
  let table = csvStrings.get(locale);
  if (!table) csvStrings.set(locale, (table = JSON.parse(fs.readFileSync(new URL(`../../content/ui/instructor.${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>));
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
      const text = stringify(value.map((r) => r.map(safeCell)), { delimiter, record_delimiter: 'windows' });
      controller.enqueue(enc.encode((first ? '\uFEFF' : '') + text));
      first = false;
    },
    async cancel() { await chunks.return(undefined); },
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
    .route({ method: 'get', path: '/cohorts/:id', summary: 'Cohort report: status per learner × course, funnel, progress over time, score distribution, per-module completion, at-risk list (learners=none leaves out the per-learner rows)', access: STAFF, params: idParam, query: reportQuery }, async (c, { params, query }) => {
      const cohort = await cohortFor(c, params.id);
      const { learners, ...summary } = await cohortReport(c.get('deps'), cohort);
      return c.json(query.learners === 'none' ? summary : { ...summary, learners });
    })
    .route({ method: 'get', path: '/cohorts/:id/learners/:userId', summary: 'One learner of the cohort: modules, attempts with every response, completions and certificates', access: STAFF, params: learnerParams }, async (c, { params }) => {
      const deps = c.get('deps');
      const cohort = await cohortFor(c, params.id);
      const learner = (await reportsRepo(deps.db).learners(cohort.id)).find((l) => l.id === params.userId);
      if (!learner) throw notFound('learner in this cohort');
      const assigned = await cohortsRepo(deps.db).courses(cohort.id);
      const [activity, data] = await Promise.all([progressRepo(deps.db).activity(learner.id), reportsRepo(deps.db).learner(learner.id)]);
      const responsesBy = new Map<string, typeof data.responses>();
      for (const r of data.responses) responsesBy.set(r.attempt_id, [...(responsesBy.get(r.attempt_id) ?? []), r]);
      const courses = assigned.flatMap(({ course_id, due_on }) => {
        const loaded = deps.catalog.courses.get(course_id);
        if (!loaded) return [];
        const pool = new Map((loaded.pool ?? []).map((q) => [q.id, q]));
        const progress = courseProgress(loaded.course, activity.filter((a) => a.course_id === course_id));
        const titles = Object.fromEntries(loaded.modules.uk.map((m) => [m.id, { uk: m.data.title, en: loaded.modules.en.find((e) => e.id === m.id)?.data.title ?? m.data.title }]));
        return [{
          id: course_id, title: loaded.course.title, due_on, pass_mark: loaded.course.passMark,
          modules: progress.modules.map((m) => ({ ...m, title: titles[m.id] ?? { uk: m.id, en: m.id } })),
          attempts: data.attempts.filter((a) => a.course_id === course_id).map((a) => {
            const order = (JSON.parse(a.questions) as { id: string }[]).map((d) => d.id);
            const byQ = new Map((responsesBy.get(a.id) ?? []).map((r) => [r.question_id, r]));
            return {
              id: a.id, started_at: a.started_at, submitted_at: a.submitted_at, score: a.score, passed: a.passed === null ? null : a.passed === 1, locale: a.locale,
              responses: a.submitted_at ? order.map((qid) => {
                const q = pool.get(qid);
                const r = byQ.get(qid);
                return { question_id: qid, type: q?.type ?? null, ...(q ? questionText(q) : { stem: null, options: null }), response: r ? JSON.parse(r.response) : null, score: r?.score ?? 0, correct_response: q ? correctResponse(q) : null };
              }) : [],
            };
          }),
          completions: data.completions.filter((x) => x.course_id === course_id),
          certificates: data.certificates.filter((x) => x.course_id === course_id),
        }];
      });
      return c.json({ learner, courses });
    })
    .route({ method: 'get', path: '/cohorts/:id/items', summary: 'Item analysis per graded question: responses, facility, discrimination (upper vs lower 27%), choice counts, flags', access: STAFF, params: idParam }, async (c, { params }) => {
      const deps = c.get('deps');
      const cohort = await cohortFor(c, params.id);
      const assigned = await cohortsRepo(deps.db).courses(cohort.id);
      const courses = [];
      for (const { course_id } of assigned) {
        const loaded = deps.catalog.courses.get(course_id);
        if (!loaded?.pool || !loaded.course.assessment) continue;
        const { attempts, responses } = await reportsRepo(deps.db).itemData(cohort.id, course_id);
        const byAttempt = new Map<string, ScoredAttempt>(attempts.map((a) => [a.id, { id: a.id, total: a.score ?? 0, responses: [] }]));
        for (const r of responses) byAttempt.get(r.attempt_id)?.responses.push({ questionId: r.question_id, response: JSON.parse(r.response), score: r.score });
        const pool = new Map(loaded.pool.map((q) => [q.id, q]));
        const items = analyseItems(loaded.pool, [...byAttempt.values()]).map((s) => ({
          ...s, facility: round3(s.facility), discrimination: round3(s.discrimination), ...questionText(pool.get(s.questionId)!),
        }));
        courses.push({ id: course_id, title: loaded.course.title, attempts: attempts.length, items });
      }
      return c.json({ courses });
    })
    .route({ method: 'get', path: '/cohorts/:id/grades.csv', summary: 'Grades CSV (UTF-8 with BOM, streamed): one row per learner with per-course status, modules, best score, completion date, certificate code', access: STAFF, params: idParam, query: csvQuery, produces: 'text/csv' }, async (c, { params, query }) => {
      const deps = c.get('deps');
      const cohort = await cohortFor(c, params.id);
      const report = await cohortReport(deps, cohort);
      const t = csvT(query.locale);
      const header = [t('name'), t('email'), t('role')];
      for (const course of report.courses) {
        const title = course.title[query.locale];
        header.push(`${title}: ${t('status')}`, `${title}: ${t('modules')}`, `${title}: ${t('best')}`, `${title}: ${t('completed')}`, `${title}: ${t('certificate')}`);
      }
      async function* rows() {
        yield [header];
        for (let i = 0; i < report.learners.length; i += 500) {
          yield report.learners.slice(i, i + 500).map((l) => [
            l.full_name, l.email, t(`role.${l.role}`),
            ...l.courses.flatMap((x) => [t(`status.${x.status}`), `${x.modules_done}/${x.modules_total}`, x.best_score ?? '', isoDate(x.completed_at), x.certificate ?? '']),
          ]);
        }
      }
      return csvResponse(c, `cohort-${cohort.id}-grades.csv`, rows(), query.delimiter === 'semicolon' ? ';' : ',');
    })
    .route({ method: 'get', path: '/cohorts/:id/responses.csv', summary: 'Per-question responses CSV (UTF-8 with BOM, streamed page by page from the database)', access: STAFF, params: idParam, query: csvQuery, produces: 'text/csv' }, async (c, { params, query }) => {
      const deps = c.get('deps');
      const cohort = await cohortFor(c, params.id);
      const courseIds = (await cohortsRepo(deps.db).courses(cohort.id)).map((x) => x.course_id);
      const t = csvT(query.locale);
      const pools = new Map(courseIds.map((id) => [id, new Map((deps.catalog.courses.get(id)?.pool ?? []).map((q) => [q.id, q]))]));
      async function* rows() {
        yield [[t('name'), t('email'), t('course'), t('attempt'), t('submitted'), t('attemptScore'), t('passed'), t('question'), t('module'), t('questionType'), t('response'), t('questionScore')]];
        let after = 0;
        for (;;) {
          const page = await reportsRepo(deps.db).responsesPage(cohort.id, courseIds, after, 2000);
          if (page.length === 0) return;
          after = page.at(-1)!.rowid;
          yield page.map((r) => {
            const q = pools.get(r.course_id)?.get(r.question_id);
            const response = JSON.parse(r.response) as unknown;
            return [
              r.full_name, r.email, r.course_id, r.attempt_id, r.submitted_at ?? '', r.total ?? '', r.passed === 1 ? t('yes') : t('no'),
              r.question_id, q?.module ?? '', q?.type ?? '', response === null ? '' : typeof response === 'string' ? response : JSON.stringify(response), r.score,
            ];
          });
        }
      }
      return csvResponse(c, `cohort-${cohort.id}-responses.csv`, rows(), query.delimiter === 'semicolon' ? ';' : ',');
    });
}
