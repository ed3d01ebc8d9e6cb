/**
 * The rows one caller sees (pure): which cells of the country-wide, already suppressed cube (cube.ts)
 * belong to their scope and filter, with labels in both languages. The numbers never depend on the
 * scope or filter, only the choice of cells.
 */
import type { LearnerRole } from '../../db/schema.ts';
import type { Oblast } from '../../courses/oblasts.ts';
import {
  EARLIER,
  METRICS,
  MONTHLY,
  shownCell,
  shownMean,
  shownRate,
  type Cube,
  type Metric,
  type Values,
} from './cube.ts';

export interface Label {
  uk: string;
  en: string;
}
export interface Row {
  key: string;
  label: Label;
  values: Values;
  pass_rate?: number | null;
  mean_score?: number | null;
}
export interface Scope {
  national: boolean;
  oblasts: string[];
}
export interface Filter {
  oblast: string | null;
  organisation: number | null;
}
export const TABLES = ['oblasts', 'organisations', 'roles', 'months', 'assessment'] as const;
export type TableName = (typeof TABLES)[number];

export interface ProgrammeView {
  scope: Scope;
  filter: Filter;
  total: Row | null;
  tables: Record<TableName, Row[]>;
}

export const ROLE_LABELS: Record<LearnerRole, Label> = {
  cadet: { uk: 'курсанти', en: 'cadets' },
  officer: { uk: 'поліцейські', en: 'police officers' },
  specialist: { uk: 'фахівці', en: 'specialists' },
};

const PEOPLE: Metric[] = ['enrolled', 'active', 'completed', 'certified', 'overdue', 'expiring'];
const ASSESS: Metric[] = ['assessed', 'passed'];

export function programmeView(cube: Cube, oblastList: readonly Oblast[], scope: Scope, filter: Filter): ProgrammeView {
  const oblastLabel = (code: string): Label => {
    const o = oblastList.find((x) => x.code === code);
    return o ? { uk: o.uk, en: o.en } : { uk: code, en: code };
  };
  const monthLabel = (m: string): Label => (m === EARLIER ? { uk: 'раніше', en: 'earlier' } : { uk: m, en: m });
  const row = (key: string, dim: string, label: Label, metrics: readonly Metric[] = PEOPLE): Row => ({
    key,
    label,
    values: shownCell(cube, dim, metrics),
  });
  const assessRow = (key: string, dim: string, label: Label): Row => ({
    ...row(key, dim, label, ASSESS),
    pass_rate: shownRate(cube, dim, 'passed', 'assessed'),
    mean_score: shownMean(cube, dim),
  });
  const inScope = (code: string) => scope.national || scope.oblasts.includes(code);
  const orgs = cube.organisations;

  if (filter.organisation !== null) {
    const g = orgs.find((o) => o.id === filter.organisation)!;
    const label = { uk: g.name_uk, en: g.name_en };
    return {
      scope,
      filter,
      total: row(`g:${g.id}`, `g:${g.id}`, label),
      tables: {
        oblasts: [],
        organisations: [row(String(g.id), `g:${g.id}`, label)],
        roles: [],
        months: [],
        assessment: [assessRow(String(g.id), `g:${g.id}`, label)],
      },
    };
  }
  const single = filter.oblast ?? (!scope.national && scope.oblasts.length === 1 ? scope.oblasts[0]! : null);
  const oblasts = single ? [single] : scope.national ? cube.oblasts : cube.oblasts.filter(inScope);
  const visibleOrgs = orgs.filter((g) => oblasts.includes(g.oblast));
  const monthly = [...MONTHLY] as Metric[];
  if (single === null && scope.national) {
    return {
      scope,
      filter,
      total: row('all', 'all', { uk: 'Усього', en: 'Total' }),
      tables: {
        oblasts: oblasts.map((o) => row(o, `o:${o}`, oblastLabel(o))),
        organisations: visibleOrgs.map((g) => row(String(g.id), `g:${g.id}`, { uk: g.name_uk, en: g.name_en })),
        roles: cube.roles.map((r) => row(r, `r:${r}`, ROLE_LABELS[r])),
        months: cube.months.map((m) => row(m, `m:${m}`, monthLabel(m), monthly)),
        assessment: [
          assessRow('all', 'all', { uk: 'Усього', en: 'Total' }),
          ...oblasts.map((o) => assessRow(o, `o:${o}`, oblastLabel(o))),
        ],
      },
    };
  }
  const both = (a: Label, b: Label): Label => ({ uk: `${a.uk} · ${b.uk}`, en: `${a.en} · ${b.en}` });
  const prefix = (o: string, l: Label) => (single ? l : both(oblastLabel(o), l));
  return {
    scope,
    filter,
    total: single ? row(single, `o:${single}`, oblastLabel(single)) : null,
    tables: {
      oblasts: oblasts.map((o) => row(o, `o:${o}`, oblastLabel(o))),
      organisations: visibleOrgs.map((g) => row(String(g.id), `g:${g.id}`, { uk: g.name_uk, en: g.name_en })),
      roles: oblasts.flatMap((o) => cube.roles.map((r) => row(`${o}:${r}`, `or:${o}:${r}`, prefix(o, ROLE_LABELS[r])))),
      months: oblasts.flatMap((o) =>
        cube.months.map((m) => row(`${o}:${m}`, `om:${o}:${m}`, prefix(o, monthLabel(m)), monthly)),
      ),
      assessment: single
        ? [
            assessRow(single, `o:${single}`, oblastLabel(single)),
            ...visibleOrgs.map((g) => assessRow(String(g.id), `g:${g.id}`, { uk: g.name_uk, en: g.name_en })),
          ]
        : oblasts.map((o) => assessRow(o, `o:${o}`, oblastLabel(o))),
    },
  };
}

export { METRICS };
