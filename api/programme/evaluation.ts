/**
 * The evaluation section of the programme dashboard, CSV and report (Kirkpatrick levels 1–3: reaction,
 * knowledge gain with CIs, follow-up), from the evaluation repository (`db/repos/evaluation.ts`, whose
 * statistics are `courses/evaluation-stats.ts`).
 *
 * Like the counts (cube.ts), the figures are computed once for the whole country, per course with an
 * evaluation and per level, in groups tied by additive relations (country = Σ oblasts, oblast = Σ its
 * organisations), and suppressed once with the same rule (suppress.ts) over the number of people each
 * figure describes (pairs for the gain, answers for reaction and follow-up): a group of 1–4 is hidden,
 * and complementary cells are hidden so that it cannot be worked out by subtraction (a mean times its n
 * is a sum, and sums add up like counts). The caller's scope and filter only choose which groups are
 * returned. A hidden figure shows n "<5" and no number, whether it is under 5 or hidden to protect one.
 * Every figure carries its response rate (0–1).
 */
import type { LoadedCourse } from '../../courses/catalog.ts';
import { REACTION_ITEMS, USAGE_LEVELS, type ReactionItem, type UsageLevel } from '../../courses/schema/evaluation.ts';
import { evaluationRepo, type EvaluationSummary as RepoSummary } from '../../db/repos/evaluation.ts';
import { organisationsRepo } from '../../db/repos/organisations.ts';
import { programmeRepo } from '../../db/repos/programme.ts';
import type { Deps } from '../deps.ts';
import { oblasts as oblastData } from './oblasts.ts';
import { SUPPRESSED, suppressCells, type Relation, type Shown } from './suppress.ts';
import type { Filter, Label, Scope } from './view.ts';

interface Group {
  /** `all`, an oblast code, or an organisation id as string (like the view's rows). */
  key: string;
  label: Label;
  /** People the figure describes (pairs or answers), or "<5" when hidden. */
  n: Shown;
  /** Responses ÷ eligible learners, 0–1 (null when hidden or nobody was eligible). */
  responseRate: number | null;
}

export interface GainFigure extends Group {
  /** Mean pre-test and post-test (final) scores, 0–100. */
  meanPre: number | null;
  meanPost: number | null;
  /** Mean gain in percentage points, with its 95 % confidence interval. */
  meanGain: number | null;
  ci: [number, number] | null;
  /** Cohen's d_z with its (approximate) 95 % confidence interval. */
  effectSize: number | null;
  effectCi: [number, number] | null;
  /** Share of learners whose score improved, 0–1. */
  improved: number | null;
}

export interface ReactionFigure extends Group {
  /** Mean of each item on the 1–5 scale. */
  items: { item: ReactionItem; label: Label; mean: number | null }[];
}

export interface FollowUpFigure extends Group {
  /** Per course outcome: shares answering never / once / several times, each 0–1. */
  outcomes: { outcome: number; label: Label; never: number | null; once: number | null; several: number | null }[];
}

export interface CourseEvaluation {
  course: { id: string; title: Label };
  gain: GainFigure[];
  reaction: ReactionFigure[];
  followUp: FollowUpFigure[];
}

export interface EvaluationSummary {
  courses: CourseEvaluation[];
}

/** What the caller may see: the view's scope and filter (view.ts). */
export interface EvaluationScope {
  scope: Scope;
  filter: Filter;
}

export const REACTION_LABELS: Record<ReactionItem, Label> = {
  relevance: { uk: 'Доречність', en: 'Relevance' },
  clarity: { uk: 'Зрозумілість', en: 'Clarity' },
  confidence: { uk: 'Впевненість', en: 'Confidence' },
  workload: { uk: 'Навантаження', en: 'Workload' },
};

const LEVELS = ['gain', 'reaction', 'followUp'] as const;
type Level = (typeof LEVELS)[number];

const round = (x: number | null | undefined, digits: number) =>
  x === null || x === undefined ? null : Math.round(x * 10 ** digits) / 10 ** digits;
const interval = (i: { low: number; high: number } | null, digits: number): [number, number] | null =>
  i ? [round(i.low, digits)!, round(i.high, digits)!] : null;

/** The number of people a level's figure describes. */
const sizeOf = (s: RepoSummary, level: Level) =>
  level === 'gain' ? s.learning.n : level === 'reaction' ? s.reaction.rate.responded : s.followUp.rate.responded;

/** The evaluation figures in the caller's scope, or null when no course has an evaluation. */
export async function evaluationSummary(
  deps: Pick<Deps, 'db' | 'now' | 'catalog'>,
  { scope, filter }: EvaluationScope,
): Promise<EvaluationSummary | null> {
  const courses = [...deps.catalog.courses.values()].filter((c) => c.evaluation);
  if (courses.length === 0) return null;
  const now = deps.now();
  const [placed, orgs] = await Promise.all([programmeRepo(deps.db).placedCohorts(), organisationsRepo(deps.db).list()]);
  const oblastCodes = [...new Set(orgs.map((o) => o.oblast_code))].sort();

  // Every group of the country, with the cohorts it covers.
  const cohortsOf = new Map<string, number[]>([['all', placed.map((p) => p.cohortId)]]);
  for (const o of oblastCodes)
    cohortsOf.set(
      `o:${o}`,
      placed.filter((p) => p.oblast === o).map((p) => p.cohortId),
    );
  for (const g of orgs)
    cohortsOf.set(
      `g:${g.id}`,
      placed.filter((p) => p.organisationId === g.id).map((p) => p.cohortId),
    );
  const relations: Relation[] = [
    { parent: 'all', children: oblastCodes.map((o) => `o:${o}`) },
    ...oblastCodes.map((o) => ({
      parent: `o:${o}`,
      children: orgs.filter((g) => g.oblast_code === o).map((g) => `g:${g.id}`),
    })),
  ];

  // Which groups this caller sees, as the view chooses its rows (view.ts).
  const inScope = (code: string) => scope.national || scope.oblasts.includes(code);
  const single = filter.oblast ?? (!scope.national && scope.oblasts.length === 1 ? scope.oblasts[0]! : null);
  const visible: string[] =
    filter.organisation !== null
      ? [`g:${filter.organisation}`]
      : single
        ? [`o:${single}`, ...orgs.filter((g) => g.oblast_code === single).map((g) => `g:${g.id}`)]
        : scope.national
          ? ['all', ...oblastCodes.map((o) => `o:${o}`)]
          : oblastCodes.filter(inScope).map((o) => `o:${o}`);

  // An oblast in scope without any organisation is a real zero (no cohort, no figure).
  for (const group of visible) if (!cohortsOf.has(group)) cohortsOf.set(group, []);

  const oblastList = oblastData().oblasts;
  const labelOf = (group: string): Label => {
    if (group === 'all') return { uk: 'Усього', en: 'Total' };
    if (group.startsWith('o:')) {
      const o = oblastList.find((x) => x.code === group.slice(2));
      return o ? { uk: o.uk, en: o.en } : { uk: group.slice(2), en: group.slice(2) };
    }
    const g = orgs.find((x) => `g:${x.id}` === group);
    return g ? { uk: g.name_uk, en: g.name_en } : { uk: group, en: group };
  };
  const keyOf = (group: string) => (group === 'all' ? 'all' : group.slice(2));

  const repo = evaluationRepo(deps.db);
  const out: CourseEvaluation[] = [];
  for (const loaded of courses) {
    const summaries = new Map<string, RepoSummary>();
    for (const [group, ids] of cohortsOf) summaries.set(group, await repo.summary(ids, summaryCourse(loaded), now));
    const hidden = Object.fromEntries(
      LEVELS.map((level) => [
        level,
        suppressCells(new Map([...summaries].map(([g, s]) => [g, sizeOf(s, level)])), relations),
      ]),
    ) as Record<Level, Set<string>>;
    const base = (group: string, level: Level, rate: number | null) => {
      const s = summaries.get(group)!;
      const off = hidden[level].has(group);
      return {
        off,
        group: {
          key: keyOf(group),
          label: labelOf(group),
          n: off ? SUPPRESSED : sizeOf(s, level),
          responseRate: off ? null : round(rate, 3),
        },
      };
    };
    const outcomes = loaded.course.outcomes;
    out.push({
      course: { id: loaded.course.id, title: { uk: loaded.course.title.uk, en: loaded.course.title.en } },
      gain: visible.map((group): GainFigure => {
        const s = summaries.get(group)!.learning;
        const { off, group: g } = base(group, 'gain', s.rate.rate);
        return {
          ...g,
          meanPre: off ? null : round(s.meanPre, 1),
          meanPost: off ? null : round(s.meanPost, 1),
          meanGain: off ? null : round(s.meanGain, 1),
          ci: off ? null : interval(s.gainCi, 1),
          effectSize: off ? null : round(s.dz, 2),
          effectCi: off ? null : interval(s.dzCi, 2),
          improved: off ? null : round(s.shareImproved, 3),
        };
      }),
      reaction: visible.map((group): ReactionFigure => {
        const s = summaries.get(group)!.reaction;
        const { off, group: g } = base(group, 'reaction', s.rate.rate);
        return {
          ...g,
          items: REACTION_ITEMS.map((item) => ({
            item,
            label: REACTION_LABELS[item],
            mean: off ? null : round(s.items[item].mean, 2),
          })),
        };
      }),
      followUp: visible.map((group): FollowUpFigure => {
        const s = summaries.get(group)!.followUp;
        const { off, group: g } = base(group, 'followUp', s.rate.rate);
        return {
          ...g,
          outcomes: outcomes.uk.map((uk, i) => {
            const counts = s.outcomes[i] ?? ({ never: 0, once: 0, several: 0 } as Record<UsageLevel, number>);
            const total = USAGE_LEVELS.reduce((sum, u) => sum + counts[u], 0);
            const share = (u: UsageLevel) => (off || total === 0 ? null : round(counts[u] / total, 3));
            return {
              outcome: i,
              label: { uk, en: outcomes.en[i] ?? uk },
              never: share('never'),
              once: share('once'),
              several: share('several'),
            };
          }),
        };
      }),
    });
  }
  return { courses: out };
}

function summaryCourse(loaded: LoadedCourse) {
  const evaluation = loaded.evaluation!;
  return {
    courseId: loaded.course.id,
    outcomes: loaded.course.outcomes.uk.length,
    barriers: evaluation.followUp.barriers.map((b) => b.id),
    followUpAfterDays: evaluation.followUp.afterDays,
  };
}
