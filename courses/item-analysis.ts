/**
 * Item analysis of graded questions, the classical statistics Moodle's quiz statistics report shows,
 * so an instructor can find a question that misleads. Pure: the caller hands in the questions and
 * the scored attempts.
 *
 * For each question, over the attempts that drew it:
 * - n: how many attempts drew it (an unanswered question counts, with score 0);
 * - facility: the mean score 0..1 (the proportion correct for 1/0 questions);
 * - discrimination index (Kelley's upper–lower method): the attempts are ranked by their total
 *   score, the top 27% form the upper group and the bottom 27% the lower group, and the index is the
 *   facility in the upper group minus the facility in the lower group (−1..1). A negative index means
 *   weaker learners did better on the question than stronger ones: the key may be wrong or the stem
 *   misleading. Ties at a group's edge are broken by attempt id so the result is reproducible.
 *   Attempts draw different questions from the pool, so the groups are formed per question.
 * - choice counts: how often each option was chosen (single, multiple: per option ticked;
 *   true-false: true/false), and how many left the question unanswered.
 */
import type { Question } from './schema/question.ts';

/** Proportion of attempts in each of the upper and lower groups (Kelley, 1939). */
export const GROUP_SHARE = 0.27;
/** A question is flagged too easy above this facility. */
export const TOO_EASY = 0.9;
/** A question is flagged too hard below this facility. */
export const TOO_HARD = 0.2;

export type ItemFlag = 'too_easy' | 'too_hard' | 'negative_discrimination';

export interface ItemResponse {
  questionId: string;
  /** The learner's response as stored (parsed JSON); null when unanswered. */
  response: unknown;
  /** Score of the response, 0..1. */
  score: number;
}

export interface ScoredAttempt {
  id: string;
  /** The attempt's total score (any scale: only the ranking matters). */
  total: number;
  responses: ItemResponse[];
}

export interface ChoiceCount {
  /** Option id (`true`/`false` for true-false questions). */
  option: string;
  correct: boolean;
  count: number;
}

export interface ItemStats {
  questionId: string;
  type: Question['type'];
  module: string;
  n: number;
  /** Mean score 0..1, or null without responses. */
  facility: number | null;
  /** Upper-group facility minus lower-group facility, or null with fewer than 2 responses. */
  discrimination: number | null;
  /** Size of each of the upper and lower groups. */
  groupSize: number;
  /** Per option choice counts for single, multiple and true-false questions; null for other types. */
  choices: ChoiceCount[] | null;
  unanswered: number;
  flags: ItemFlag[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);

const isUnanswered = (r: unknown) =>
  r === null ||
  r === undefined ||
  (typeof r === 'string' && r.trim() === '') ||
  (Array.isArray(r) && r.length === 0) ||
  (typeof r === 'object' && !Array.isArray(r) && Object.keys(r as object).length === 0);

/** Statistics for every question, in the order given. */
export function analyseItems(questions: readonly Question[], attempts: readonly ScoredAttempt[]): ItemStats[] {
  const ranked = [...attempts].sort((a, b) => b.total - a.total || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byQuestion = new Map<string, ItemResponse[]>();
  // Responses per question, already in rank order (strongest attempt first).
  for (const a of ranked) {
    for (const r of a.responses) {
      const list = byQuestion.get(r.questionId);
      if (list) list.push(r);
      else byQuestion.set(r.questionId, [r]);
    }
  }
  return questions.map((q) => analyseOne(q, byQuestion.get(q.id) ?? []));
}

function analyseOne(q: Question, responses: ItemResponse[]): ItemStats {
  const n = responses.length;
  const scores = responses.map((r) => r.score);
  const facility = n ? mean(scores) : null;
  const groupSize = n >= 2 ? Math.max(1, Math.round(n * GROUP_SHARE)) : 0;
  const discrimination = groupSize ? mean(scores.slice(0, groupSize)) - mean(scores.slice(n - groupSize)) : null;
  const unanswered = responses.filter((r) => isUnanswered(r.response)).length;
  const flags: ItemFlag[] = [];
  if (facility !== null && facility > TOO_EASY) flags.push('too_easy');
  if (facility !== null && facility < TOO_HARD) flags.push('too_hard');
  if (discrimination !== null && discrimination < 0) flags.push('negative_discrimination');
  return {
    questionId: q.id,
    type: q.type,
    module: q.module,
    n,
    facility,
    discrimination,
    groupSize,
    choices: choiceCounts(q, responses),
    unanswered,
    flags,
  };
}

function choiceCounts(q: Question, responses: ItemResponse[]): ChoiceCount[] | null {
  if (q.type === 'single' || q.type === 'multiple') {
    const counts = new Map(q.options.map((o) => [o.id, 0]));
    for (const { response: r } of responses) {
      const chosen =
        q.type === 'single'
          ? typeof r === 'string'
            ? [r]
            : []
          : Array.isArray(r)
            ? new Set(r.filter((x): x is string => typeof x === 'string'))
            : [];
      for (const id of chosen) if (counts.has(id)) counts.set(id, counts.get(id)! + 1);
    }
    return q.options.map((o) => ({ option: o.id, correct: o.correct, count: counts.get(o.id)! }));
  }
  if (q.type === 'true-false') {
    const count = (v: boolean) => responses.filter((r) => r.response === v).length;
    return [
      { option: 'true', correct: q.answer === true, count: count(true) },
      { option: 'false', correct: q.answer === false, count: count(false) },
    ];
  }
  return null;
}
