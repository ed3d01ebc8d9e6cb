/**
 * The programme dashboard for coordinators (and admins): read-only aggregates over the organisations
 * and cohorts in the caller's scope, suppressed below 5 people (api/programme/suppress.ts), as JSON,
 * CSV (one table at a time) and a printable PDF report. No route here returns a name, an id of a
 * person or an answer.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import { organisationsRepo } from '../../db/repos/organisations.ts';
import { programmeRepo } from '../../db/repos/programme.ts';
import { LEARNER_ROLES } from '../../db/schema.ts';
import type { AppEnv } from '../env.ts';
import { AppError } from '../errors.ts';
import { buildCube } from '../programme/cube.ts';
import { evaluationCsv, tableCsv } from '../programme/csv.ts';
import { evaluationSummary } from '../programme/evaluation.ts';
import { oblastByCode, oblasts } from '../programme/oblasts.ts';
import { programmeReportPdf } from '../programme/pdf.ts';
import { checkFilter, scopeOf } from '../programme/scope.ts';
import { programmeView, TABLES, type ProgrammeView } from '../programme/view.ts';
import { Resource } from '../route.ts';
import { localeField } from './fields.ts';
import { oblastCode } from '../../courses/oblasts.ts';

const READERS = ['coordinator', 'admin'] as const;

export const programmeQuery = z
  .object({
    /** Only this oblast (two-digit KATOTTH code); it must be in the caller's scope. */
    oblast: oblastCode.optional(),
    /** Only this organisation; it must be in an oblast of the caller's scope. */
    organisation: z.coerce.number().int().positive().optional(),
  })
  .strict();
const csvQuery = programmeQuery.extend({ locale: localeField.default('uk') }).strict();
const CSV_TABLES = [...TABLES, 'evaluation'] as const;
const csvParams = z.object({ table: z.enum(CSV_TABLES, { message: `one of ${CSV_TABLES.join(', ')}` }) }).strict();

const shown = z.union([z.number(), z.literal('<5'), z.null()]);
const label = z.object({ uk: z.string(), en: z.string() });
const pair = z.tuple([z.number(), z.number()]).nullable();
const share = z.number().min(0).max(1).nullable();
const evaluationGroup = {
  key: z.string(),
  label,
  n: z.union([z.number().int(), z.literal('<5')]),
  responseRate: share,
};
const evaluationSchema = z.object({
  courses: z.array(
    z.object({
      course: z.object({ id: z.string(), title: label }),
      gain: z.array(
        z.object({
          ...evaluationGroup,
          meanPre: z.number().nullable(),
          meanPost: z.number().nullable(),
          meanGain: z.number().nullable(),
          ci: pair,
          effectSize: z.number().nullable(),
          effectCi: pair,
          improved: share,
        }),
      ),
      reaction: z.array(
        z.object({
          ...evaluationGroup,
          items: z.array(z.object({ item: z.string(), label, mean: z.number().nullable() })),
        }),
      ),
      followUp: z.array(
        z.object({
          ...evaluationGroup,
          outcomes: z.array(z.object({ outcome: z.number().int(), label, never: share, once: share, several: share })),
        }),
      ),
    }),
  ),
});
const rowSchema = z.object({
  key: z.string(),
  label: z.object({ uk: z.string(), en: z.string() }),
  values: z.record(shown),
  pass_rate: z.number().nullable().optional(),
  mean_score: z.number().nullable().optional(),
});
export const dashboardSchema = z.object({
  scope: z.object({ national: z.boolean(), oblasts: z.array(z.string()) }),
  filter: z.object({ oblast: z.string().nullable(), organisation: z.number().nullable() }),
  total: rowSchema.nullable(),
  tables: z.object(
    Object.fromEntries(TABLES.map((t) => [t, z.array(rowSchema)])) as Record<
      (typeof TABLES)[number],
      z.ZodArray<typeof rowSchema>
    >,
  ),
  min_cell: z.literal(5),
  generated_at: z.string(),
  evaluation: evaluationSchema.nullable(),
});

/** The caller's view: the country-wide cube (suppressed once), cut to their scope and filter. */
async function viewFor(c: Context<AppEnv>, q: { oblast?: string; organisation?: number }): Promise<ProgrammeView> {
  const deps = c.get('deps');
  const scope = await scopeOf(deps, c.get('user')!);
  const filter = { oblast: q.oblast ?? null, organisation: q.organisation ?? null };
  const orgs = await organisationsRepo(deps.db).list();
  checkFilter(scope, filter, (id) => orgs.find((o) => o.id === id)?.oblast_code);
  const now = deps.now();
  const facts = await programmeRepo(deps.db).learnerFacts(now);
  const cube = buildCube(
    facts,
    orgs.map((o) => ({ id: o.id, oblast: o.oblast_code, name_uk: o.name_uk, name_en: o.name_en, kind: o.kind })),
    LEARNER_ROLES,
    now,
  );
  return programmeView(cube, oblasts().oblasts, scope, filter);
}

const scopeLabel = (v: ProgrammeView, locale: 'uk' | 'en') => {
  const names = (codes: string[]) => codes.map((c) => oblastByCode(c)?.[locale] ?? c).join(', ');
  const base = v.scope.national ? (locale === 'uk' ? 'уся Україна' : 'all of Ukraine') : names(v.scope.oblasts);
  if (v.filter.organisation !== null) return `${base} → ${v.total?.label[locale] ?? ''}`;
  if (v.filter.oblast !== null) return `${base} → ${names([v.filter.oblast])}`;
  return base;
};

export function programmeRoutes() {
  return new Resource('/api/programme', 'programme')
    .route(
      {
        method: 'get',
        path: '/dashboard',
        summary:
          'Programme aggregates in my scope: enrolled, active, completed, certified, overdue, expiring and assessment results by oblast, organisation, role and month (cells under 5 shown as "<5")',
        access: READERS,
        query: programmeQuery,
        response: dashboardSchema,
        errors: [404],
      },
      async (c, { query }) => {
        const deps = c.get('deps');
        const view = await viewFor(c, query);
        return c.json({
          ...view,
          min_cell: 5 as const,
          generated_at: deps.now().toISOString(),
          evaluation: await evaluationSummary(deps, view),
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/tables/:table',
        operationId: 'programme.tableCsv',
        summary:
          'One dashboard table (or the evaluation figures: evaluation.csv) as CSV (UTF-8 with BOM), headers in the chosen language',
        access: READERS,
        params: z.object({ table: z.string().max(40) }).strict(),
        query: csvQuery,
        produces: 'text/csv',
        errors: [404],
      },
      async (c, { params, query }) => {
        const parsed = csvParams.safeParse({ table: params.table.replace(/\.csv$/, '') });
        if (!parsed.success || !params.table.endsWith('.csv'))
          throw new AppError(
            404,
            'not_found',
            `no table "${params.table.slice(0, 40)}": use one of ${CSV_TABLES.map((t) => `${t}.csv`).join(', ')}`,
          );
        const view = await viewFor(c, query);
        const name = parsed.data.table;
        const csv =
          name === 'evaluation'
            ? evaluationCsv(await evaluationSummary(c.get('deps'), view), query.locale)
            : tableCsv(view, name, query.locale);
        return c.body(csv, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="oberih-programme-${name}-${query.locale}.csv"`,
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/report.pdf',
        operationId: 'programme.reportPdf',
        summary: 'The printable programme report (PDF, Ukrainian or English) for my scope',
        access: READERS,
        query: csvQuery,
        produces: 'application/pdf',
        errors: [404],
      },
      async (c, { query }) => {
        const deps = c.get('deps');
        const view = await viewFor(c, query);
        const pdf = await programmeReportPdf({
          view,
          locale: query.locale,
          generatedAt: deps.now().toISOString(),
          scopeLabel: scopeLabel(view, query.locale),
          evaluation: await evaluationSummary(deps, view),
        });
        return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="oberih-programme-report-${query.locale}.pdf"`,
        });
      },
    );
}
