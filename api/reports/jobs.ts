/**
 * The report computations behind `api/routes/reports.ts`, as jobs (issue #26, item 2): the cohort
 * report, item analysis and the two CSV exports. The same code runs wherever the report runner
 * (db/report-runner.ts) runs it: on the SQLite server, in a worker thread with its own read-only
 * connection (db/report-worker.ts), so a report never blocks the event loop that answers
 * learners; elsewhere (tests on `:memory:`, PostgreSQL's pool), in the process. A job answers with
 * text, ready to send (JSON or CSV): text crosses from a worker thread as one copy, where objects
 * would be cloned field by field.
 *
 * Kept two folders deep (like api/routes/): the CSV strings are read relative to this file, and the
 * compiled server and worker live two folders deep too (dist/server/).
 */
import fs from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { analyseItems, type ScoredAttempt } from '../../courses/item-analysis.ts';
import type { LoadedCourse } from '../../courses/catalog.ts';
import type { Question } from '../../courses/schema/question.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { reportsRepo, type AttemptFact, type CohortFacts } from '../../db/repos/reports.ts';
import type { DB } from '../../db/connection.ts';
import type { ReportJob, ReportResult } from '../../db/report-runner.ts';
import type { Storage } from '../../db/storage.ts';

/** What the jobs read from the catalog (a worker gets just this, cloned: the courses and their pools). */
export interface ReportCatalog {
  courses: Map<string, Pick<LoadedCourse, 'course' | 'pool'>>;
}

/** The slice of the catalog a worker thread needs (structured-cloneable). */
export const reportCatalogOf = (catalog: ReportCatalog): ReportCatalog => ({
  courses: new Map([...catalog.courses].map(([id, c]) => [id, { course: c.course, pool: c.pool }])),
});

export type CourseStatus = 'not_started' | 'in_progress' | 'completed';
export type RiskReason = 'not_started' | 'overdue' | 'failed_twice';
const SCORE_BINS = 10;

/**
 * The report's figures from the cohort's facts. Learners and courses are numbered once and every
 * learner × course figure lives in flat arrays at `learner * courses + course`, so 500 learners ×
 * 3 courses take a few passes over arrays, not a string key and a Map look-up per fact. Synchronous:
 * one report never interleaves with another, so ten at once are answered in turn, not all of them late.
 */
function assembleReport(facts: CohortFacts, catalog: ReportCatalog, today: string) {
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

export function questionText(q: Question) {
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

const isoDate = (iso: string | null) => (iso ? iso.slice(0, 10) : '');

type Report = ReturnType<typeof assembleReport>;

export interface ReportJobContext {
  db: DB;
  /** Which engine `db` is on (SQLite reads the cohort's facts in one statement: db/repos/reports.ts). */
  storage: Pick<Storage, 'engine'>;
  catalog: ReportCatalog;
  /** The database's write generation on this connection: a report is reused while it is unchanged. */
  generation: () => string | Promise<string>;
}

// Four: a reused report is for the instructor who is looking now; each holds a 500-learner report (~1–2 MB).
const RECENT_REPORTS = 4;

/**
 * The job handler over one connection. A cohort's report is reused while the connection's write
 * generation and the day are unchanged (any row written anywhere moves the generation, so a reused
 * report is never stale), for the last `RECENT_REPORTS` cohorts asked for: the dashboard asks for the
 * summary and then the full report, and an instructor reloads.
 */
export function reportJobs(ctx: ReportJobContext): (job: ReportJob) => Promise<ReportResult> {
  const recent = new Map<number, { generation: string; today: string; report: Report }>();
  async function report(cohortId: number, today: string): Promise<Report> {
    let entry = recent.get(cohortId);
    if (!entry || entry.today !== today || entry.generation !== (await ctx.generation())) {
      const facts = await reportsRepo(ctx.db, ctx.storage).cohortFacts(cohortId);
      entry = { generation: facts.generation, today, report: assembleReport(facts, ctx.catalog, today) };
    }
    recent.delete(cohortId);
    recent.set(cohortId, entry);
    if (recent.size > RECENT_REPORTS) recent.delete(recent.keys().next().value!);
    return entry.report;
  }

  return async (job) => {
    switch (job.kind) {
      case 'cohort': {
        const { learners, ...summary } = await report(job.cohortId, job.today);
        return { text: JSON.stringify(job.learners === 'none' ? summary : { ...summary, learners }) };
      }
      case 'items':
        return { text: JSON.stringify(await itemAnalysis(ctx, job.cohortId)) };
      case 'grades-csv':
        return { text: gradesCsv(await report(job.cohortId, job.today), job.locale, job.delimiter) };
      case 'responses-csv':
        return responsesCsvPage(ctx, job);
    }
  };
}

/** CSV text of rows (CRLF line ends, formula-looking cells quoted). */
const csvText = (rows: unknown[][], delimiter: string) =>
  stringify(
    rows.map((r) => r.map(safeCell)),
    { delimiter, record_delimiter: 'windows' },
  );

/** Item analysis of every graded course assigned to the cohort. */
async function itemAnalysis(ctx: ReportJobContext, cohortId: number) {
  const assigned = await cohortsRepo(ctx.db).courses(cohortId);
  const courses = [];
  for (const { course_id } of assigned) {
    const loaded = ctx.catalog.courses.get(course_id);
    if (!loaded?.pool || !loaded.course.assessment) continue;
    const { attempts, responses } = await reportsRepo(ctx.db).itemData(cohortId, course_id);
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
  return { courses };
}

/** The grades CSV: one row per learner, five columns per course. */
function gradesCsv(report: Report, locale: 'uk' | 'en', delimiter: string): string {
  const t = csvT(locale);
  const header = [t('name'), t('email'), t('role')];
  for (const course of report.courses) {
    const title = course.title[locale];
    header.push(
      `${title}: ${t('status')}`,
      `${title}: ${t('modules')}`,
      `${title}: ${t('best')}`,
      `${title}: ${t('completed')}`,
      `${title}: ${t('certificate')}`,
    );
  }
  const rows = report.learners.map((l) => [
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
  return csvText([header, ...rows], delimiter);
}

/** Rows per page of the responses CSV (keyset pages on the response row id). */
const RESPONSES_PAGE = 2000;

/** One page of the per-question responses CSV (the header with the first), and where the next starts (null: done). */
async function responsesCsvPage(
  ctx: ReportJobContext,
  job: Extract<ReportJob, { kind: 'responses-csv' }>,
): Promise<ReportResult> {
  const t = csvT(job.locale);
  const courseIds = (await cohortsRepo(ctx.db).courses(job.cohortId)).map((x) => x.course_id);
  const header = job.after
    ? []
    : [
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
  const page = await reportsRepo(ctx.db).responsesPage(job.cohortId, courseIds, job.after, RESPONSES_PAGE);
  const pools = new Map(
    courseIds.map((id) => [id, new Map((ctx.catalog.courses.get(id)?.pool ?? []).map((q) => [q.id, q]))]),
  );
  const rows = page.map((r) => {
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
  const text = header.length || rows.length ? csvText([...header, ...rows], job.delimiter) : '';
  return {
    text,
    after:
      page.length === RESPONSES_PAGE
        ? { attempt_id: page.at(-1)!.attempt_id, question_id: page.at(-1)!.question_id }
        : null,
  };
}
