/**
 * The evaluation section of the programme dashboard and report (Kirkpatrick levels 1–3: reaction,
 * knowledge gain with CIs, follow-up). The data comes from the evaluation work (issue #23 item 4:
 * `courses/evaluation-stats.ts` and its repository), which is built separately.
 *
 * WIRING POINT: until the coordinator wires `evaluationSummary` to that repository, it answers null
 * and the dashboard and the PDF say "not yet available". The shapes below are the contract: every
 * figure must describe at least 5 responses (the function itself returns null for smaller groups)
 * and carries its response rate.
 */
import type { Deps } from '../deps.ts';

export interface GainFigure {
  /** Oblast code, organisation id as string, or `all`. */
  key: string;
  /** Paired learners (pre- and post-test). */
  n: number;
  /** Mean gain in percentage points, with its 95 % confidence interval. */
  meanGain: number;
  ci: [number, number];
  /** Cohen's d_z with its 95 % confidence interval. */
  effectSize: number;
  effectCi: [number, number];
  /** Share of learners whose score improved, 0–1. */
  improved: number;
}

export interface ReactionFigure {
  /** Questionnaire item id (relevance, clarity, confidence, workload). */
  item: string;
  label: { uk: string; en: string };
  n: number;
  /** Mean on the 1–5 scale. */
  mean: number;
  /** Responses ÷ learners who completed, 0–1. */
  responseRate: number;
}

export interface FollowUpFigure {
  /** The course outcome asked about. */
  outcome: string;
  label: { uk: string; en: string };
  n: number;
  /** Shares answering never / once / several times, each 0–1. */
  never: number;
  once: number;
  several: number;
  responseRate: number;
}

export interface EvaluationSummary {
  gain: GainFigure[];
  reaction: ReactionFigure[];
  followUp: FollowUpFigure[];
}

/** What the caller may see: the oblasts in scope (null = the whole country). */
export interface EvaluationScope {
  oblasts: readonly string[] | null;
  organisation: number | null;
}

/**
 * The evaluation figures for a scope, or null while the evaluation data is not wired in.
 * TO WIRE (coordinator, at merge): call programme-b's repository aggregates for the scope here and map
 * them through `courses/evaluation-stats.ts` into `EvaluationSummary`.
 */
export async function evaluationSummary(
  _deps: Pick<Deps, 'db' | 'now'>,
  _scope: EvaluationScope,
): Promise<EvaluationSummary | null> {
  return null;
}
