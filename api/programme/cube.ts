/**
 * The programme's aggregates (pure): learner facts → counts per cell (country, oblast, organisation,
 * role, month) → suppression over the whole country (suppress.ts) → the rows one caller may see.
 * No name, id or answer ever leaves this module: only counts, and a mean score over at least 5 people.
 */
import type { LearnerFact } from '../../db/repos/programme.ts';
import type { LearnerRole } from '../../db/schema.ts';

export type { LearnerFact };
import { MIN_CELL, SUPPRESSED, suppressCells, type Relation, type Shown } from './suppress.ts';

export const METRICS = [
  'enrolled',
  'active',
  'completed',
  'certified',
  'overdue',
  'expiring',
  'assessed',
  'passed',
] as const;
export type Metric = (typeof METRICS)[number];
/** Metrics counted by month (of joining, completing, being certified). */
export const MONTHLY = ['enrolled', 'completed', 'certified'] as const;
type Monthly = (typeof MONTHLY)[number];

export const EARLIER = 'earlier';

export interface OrganisationInfo {
  id: number;
  oblast: string;
  name_uk: string;
  name_en: string;
  kind: string;
}

export interface Cube {
  counts: Map<string, number>;
  scoreSums: Map<string, number>;
  hidden: Set<string>;
  months: string[];
  roles: LearnerRole[];
  oblasts: string[];
  organisations: OrganisationInfo[];
}

/** The last `n` months up to `now`'s (YYYY-MM), oldest first. */
export function monthWindow(now: Date, n = 12): string[] {
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

const key = (metric: Metric, dim: string) => `${metric}|${dim}`;

function monthOf(f: LearnerFact, m: Monthly): string | null {
  return m === 'enrolled' ? f.joinedMonth : m === 'completed' ? f.completedMonth : f.certifiedMonth;
}

export function buildCube(
  facts: readonly LearnerFact[],
  organisations: readonly OrganisationInfo[],
  roles: readonly LearnerRole[],
  now: Date,
): Cube {
  const months = monthWindow(now);
  const first = months[0]!;
  const bucket = (m: string) => (m < first ? EARLIER : m);
  const oblasts = [...new Set(organisations.map((o) => o.oblast))].sort();
  const counts = new Map<string, number>();
  const scoreSums = new Map<string, number>();
  const add = (k: string, by = 1) => counts.set(k, (counts.get(k) ?? 0) + by);

  for (const f of facts) {
    const dims = ['all', `o:${f.oblast}`, `g:${f.organisationId}`, `r:${f.role}`, `or:${f.oblast}:${f.role}`];
    for (const metric of METRICS) {
      const on =
        metric === 'enrolled'
          ? true
          : metric === 'completed'
            ? f.completedMonth !== null
            : metric === 'certified'
              ? f.certifiedMonth !== null
              : f[metric];
      if (!on) continue;
      for (const d of dims) add(key(metric, d));
      if ((MONTHLY as readonly string[]).includes(metric)) {
        const m = bucket(monthOf(f, metric as Monthly)!);
        add(key(metric, `m:${m}`));
        add(key(metric, `om:${f.oblast}:${m}`));
      }
    }
    if (f.assessed && f.bestScore !== null)
      for (const d of dims) scoreSums.set(d, (scoreSums.get(d) ?? 0) + f.bestScore);
  }

  const monthKeys = [EARLIER, ...months];
  const relations: Relation[] = [];
  for (const metric of METRICS) {
    const k = (d: string) => key(metric, d);
    relations.push({ parent: k('all'), children: oblasts.map((o) => k(`o:${o}`)) });
    relations.push({ parent: k('all'), children: roles.map((r) => k(`r:${r}`)) });
    for (const o of oblasts) {
      relations.push({
        parent: k(`o:${o}`),
        children: organisations.filter((g) => g.oblast === o).map((g) => k(`g:${g.id}`)),
      });
      relations.push({ parent: k(`o:${o}`), children: roles.map((r) => k(`or:${o}:${r}`)) });
    }
    for (const r of roles) relations.push({ parent: k(`r:${r}`), children: oblasts.map((o) => k(`or:${o}:${r}`)) });
    if ((MONTHLY as readonly string[]).includes(metric)) {
      relations.push({ parent: k('all'), children: monthKeys.map((m) => k(`m:${m}`)) });
      for (const o of oblasts)
        relations.push({ parent: k(`o:${o}`), children: monthKeys.map((m) => k(`om:${o}:${m}`)) });
      for (const m of monthKeys)
        relations.push({ parent: k(`m:${m}`), children: oblasts.map((o) => k(`om:${o}:${m}`)) });
    }
  }
  // Every cell of every relation exists (a missing one is a real zero).
  for (const r of relations) for (const c of [r.parent, ...r.children]) if (!counts.has(c)) counts.set(c, 0);
  return {
    counts,
    scoreSums,
    hidden: suppressCells(counts, relations),
    months: monthKeys,
    roles: [...roles],
    oblasts,
    organisations: [...organisations],
  };
}

export type Values = Record<Metric, Shown | null>;

/** The counts of one cell as shown: a number, "<5", or null where the cell does not count that metric. */
export function shownCell(cube: Cube, dim: string, metrics: readonly Metric[] = METRICS): Values {
  const out = {} as Values;
  for (const m of METRICS) {
    if (!metrics.includes(m)) {
      out[m] = null;
      continue;
    }
    const k = key(m, dim);
    out[m] = cube.hidden.has(k) ? SUPPRESSED : (cube.counts.get(k) ?? 0);
  }
  return out;
}

/** Mean best score of a cell, only when its number of assessed people is shown (≥ 5). */
export function shownMean(cube: Cube, dim: string): number | null {
  const k = key('assessed', dim);
  const n = cube.counts.get(k) ?? 0;
  if (cube.hidden.has(k) || n < MIN_CELL) return null;
  return Math.round(((cube.scoreSums.get(dim) ?? 0) / n) * 10) / 10;
}

/** A rate numerator / denominator (0–100, one decimal), only when both are shown. */
export function shownRate(cube: Cube, dim: string, num: Metric, den: Metric): number | null {
  const a = shownCell(cube, dim)[num];
  const b = shownCell(cube, dim)[den];
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return null;
  return Math.round((a / b) * 1000) / 10;
}
