/**
 * Cohort reports for instructors: the dashboard's data (status per learner × course, funnel,
 * progress over time, score distribution, per-module completion, at-risk list), a learner's
 * drill-down, item analysis, and the grades and responses CSV exports (UTF-8 with a BOM so Excel
 * shows Cyrillic; streamed, so a large cohort never sits in memory as one string).
 */
import { z } from 'zod';
import { courseProgress } from '../../courses/completion.ts';
import { correctResponse } from '../../courses/scoring.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { progressRepo } from '../../db/repos/progress.ts';
import { reportsRepo } from '../../db/repos/reports.ts';
import {
  ReportUnavailable,
  type ReportJob,
  type ReportResult,
  type ReportRunner,
  type ResponseKey,
} from '../../db/report-runner.ts';
import { questionText } from '../reports/jobs.ts';
import type { Cohort } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { CohortReport, ItemAnalysis, LearnerReport } from './schemas/reports.ts';
import { cohortFor } from './cohorts.ts';
import { idParam, localeField } from './fields.ts';

const STAFF = ['instructor', 'admin'] as const;

export const csvQuery = z
  .object({ locale: localeField.default('uk'), delimiter: z.enum(['comma', 'semicolon']).default('comma') })
  .strict();
const learnerParams = z
  .object({ id: z.coerce.number().int().positive(), userId: z.coerce.number().int().positive() })
  .strict();
/** `learners=none`: the report without its per-learner rows (the dashboard's first, small request). */
export const reportQuery = z.object({ learners: z.enum(['all', 'none']).default('all') }).strict();

/** The app's report runner (bootstrap sets one: a worker thread on SQLite, see db/report-runner.ts). */
function reports(deps: Deps): ReportRunner {
  if (!deps.reports) throw new Error('no report runner: deps come from bootstrap()');
  return deps.reports;
}

/** Run a report job; a runner that cannot (busy, too slow, its worker died) is a 503 with Retry-After. */
export async function runReport(deps: Deps, job: ReportJob): Promise<ReportResult> {
  try {
    return await reports(deps).run(job);
  } catch (e) {
    if (e instanceof ReportUnavailable)
      throw new AppError(503, 'unavailable', `the report could not be prepared now: ${e.message}`, undefined, {
        'Retry-After': '5',
      });
    throw e;
  }
}

/**
 * The cohort report as JSON text: the runner's body (computed off the event loop, or reused while
 * nothing was written) with the current `cohort` and `generated_at` in front, as before.
 */
async function cohortReportText(deps: Deps, cohort: Cohort, learners: 'all' | 'none'): Promise<string> {
  const now = deps.now();
  const { text } = await runReport(deps, {
    kind: 'cohort',
    cohortId: cohort.id,
    today: now.toISOString().slice(0, 10),
    learners,
  });
  const head = JSON.stringify({ cohort, generated_at: now.toISOString() });
  return text === '{}' ? head : `${head.slice(0, -1)},${text.slice(1)}`;
}

/** A CSV download that starts with a UTF-8 BOM and is produced chunk by chunk (text) as the client reads. */
function csvResponse(filename: string, chunks: AsyncGenerator<string>) {
  const enc = new TextEncoder();
  let first = true;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) return controller.close();
      controller.enqueue(enc.encode((first ? '\uFEFF' : '') + value));
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

export function reportRoutes() {
  return new Resource('/api/reports', 'reports')
    .route(
      {
        method: 'get',
        path: '/cohorts/:id',
        summary:
          'Cohort report: status per learner × course, funnel, progress over time, score distribution, per-module completion, at-risk list (learners=none leaves out the per-learner rows)',
        access: STAFF,
        response: CohortReport,
        // 503: the report runner is busy, too slow or lost its worker (Retry-After).
        errors: [404, 503],
        params: idParam,
        query: reportQuery,
      },
      async (c, { params, query }) => {
        const cohort = await cohortFor(c, params.id);
        const text = await cohortReportText(c.get('deps'), cohort, query.learners);
        return c.body(text, 200, { 'content-type': 'application/json; charset=UTF-8' });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/learners/:userId',
        summary: 'One learner of the cohort: modules, attempts with every response, completions and certificates',
        access: STAFF,
        response: LearnerReport,
        errors: [404],
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
        summary:
          'Item analysis per graded question: responses, facility, discrimination (upper vs lower 27%), choice counts, flags',
        access: STAFF,
        response: ItemAnalysis,
        // 503: the report runner is busy, too slow or lost its worker (Retry-After).
        errors: [404, 503],
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const { text } = await runReport(deps, { kind: 'items', cohortId: cohort.id });
        return c.body(text, 200, { 'content-type': 'application/json; charset=UTF-8' });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/grades.csv',
        summary:
          'Grades CSV (UTF-8 with BOM, streamed): one row per learner with per-course status, modules, best score, completion date, certificate code',
        access: STAFF,
        // 503: the report runner is busy, too slow or lost its worker (Retry-After).
        errors: [404, 503],
        params: idParam,
        query: csvQuery,
        produces: 'text/csv',
      },
      async (c, { params, query }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const { text } = await runReport(deps, {
          kind: 'grades-csv',
          cohortId: cohort.id,
          today: deps.now().toISOString().slice(0, 10),
          locale: query.locale,
          delimiter: query.delimiter === 'semicolon' ? ';' : ',',
        });
        async function* one() {
          yield text;
        }
        return csvResponse(`cohort-${cohort.id}-grades.csv`, one());
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/responses.csv',
        summary: 'Per-question responses CSV (UTF-8 with BOM, streamed page by page from the database)',
        access: STAFF,
        // 503: the report runner is busy, too slow or lost its worker (Retry-After).
        errors: [404, 503],
        params: idParam,
        query: csvQuery,
        produces: 'text/csv',
      },
      async (c, { params, query }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        // Page by page as the client reads, each page a job (keyset on the response row id). The first
        // page is read before answering, so a runner that cannot is a 503, not a broken download.
        const page = (after: ResponseKey | null) =>
          runReport(deps, {
            kind: 'responses-csv',
            cohortId: cohort.id,
            locale: query.locale,
            delimiter: query.delimiter === 'semicolon' ? ';' : ',',
            after,
          });
        const first = await page(null);
        async function* pages() {
          let next: ReportResult = first;
          for (;;) {
            if (next.text) yield next.text;
            if (next.after == null) return;
            next = await page(next.after);
          }
        }
        return csvResponse(`cohort-${cohort.id}-responses.csv`, pages());
      },
    );
}
