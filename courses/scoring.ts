/**
 * The ONLY scoring rules of Oberih: used by the practice quizzes in the browser, by the API for
 * graded attempts, and by the SCORM runtime. Pure functions, no I/O.
 *
 * Per question a score from 0 to 1:
 * - single, true-false, numeric, text: 1 when right, else 0.
 * - multiple: (right options chosen − wrong options chosen) ÷ number of right options, floored at 0
 *   (so ticking everything earns nothing, as in Moodle's "all or nothing"-free partial grading).
 * - matching: share of prompts matched to their own answer.
 * - ordering: share of items in their correct position.
 * An attempt's score is the weighted mean, as a percentage 0–100 rounded to two decimals.
 */
import type { Question, Response } from './schema/question.ts';

export type QuestionStatus = 'correct' | 'partial' | 'incorrect' | 'unanswered';

export interface QuestionScore {
  id: string;
  /** 0..1 */
  score: number;
  status: QuestionStatus;
}

const norm = (s: string, caseSensitive: boolean) => {
  const t = s.normalize('NFC').trim().replace(/\s+/g, ' ');
  return caseSensitive ? t : t.toLocaleLowerCase('uk');
};

/** Is `r` empty (no answer given)? */
export function isUnanswered(r: Response | undefined | null): boolean {
  if (r === undefined || r === null) return true;
  if (typeof r === 'string') return r.trim() === '';
  if (Array.isArray(r)) return r.length === 0;
  if (typeof r === 'object') return Object.keys(r).length === 0;
  return false;
}

/** Why a response does not fit the question's type, or null when it fits. */
export function responseShapeError(q: Question, r: Response): string | null {
  switch (q.type) {
    case 'single':
      return typeof r === 'string' && q.options.some((o) => o.id === r)
        ? null
        : `expected one option id of ${q.options.map((o) => o.id).join(', ')}`;
    case 'multiple':
      return Array.isArray(r) && r.every((x) => q.options.some((o) => o.id === x)) && new Set(r).size === r.length
        ? null
        : 'expected a list of distinct option ids';
    case 'true-false':
      return typeof r === 'boolean' ? null : 'expected true or false';
    case 'matching': {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return 'expected an object { promptId: matchId }';
      const ids = new Set(q.pairs.map((p) => p.id));
      return Object.entries(r).every(([k, v]) => ids.has(k) && ids.has(v))
        ? null
        : 'expected pair ids as keys and values';
    }
    case 'ordering': {
      const ids = q.items
        .map((i) => i.id)
        .sort()
        .join(',');
      return Array.isArray(r) && [...r].sort().join(',') === ids ? null : 'expected every item id exactly once';
    }
    case 'numeric':
      return typeof r === 'number' && Number.isFinite(r) ? null : 'expected a number';
    case 'text':
      return typeof r === 'string' && r.length <= 500 ? null : 'expected a text of at most 500 characters';
  }
}

/** Score one response (a response of the wrong shape scores 0). */
export function scoreQuestion(q: Question, r: Response | undefined | null): QuestionScore {
  if (isUnanswered(r)) return { id: q.id, score: 0, status: 'unanswered' };
  if (responseShapeError(q, r!)) return { id: q.id, score: 0, status: 'incorrect' };
  let score = 0;
  switch (q.type) {
    case 'single':
      score = q.options.find((o) => o.id === r)?.correct ? 1 : 0;
      break;
    case 'multiple': {
      const chosen = new Set(r as string[]);
      const right = q.options.filter((o) => o.correct);
      const hits = right.filter((o) => chosen.has(o.id)).length;
      const misses = q.options.filter((o) => !o.correct && chosen.has(o.id)).length;
      score = Math.max(0, (hits - misses) / right.length);
      break;
    }
    case 'true-false':
      score = r === q.answer ? 1 : 0;
      break;
    case 'matching': {
      const m = r as Record<string, string>;
      score = q.pairs.filter((p) => m[p.id] === p.id).length / q.pairs.length;
      break;
    }
    case 'ordering': {
      const order = r as string[];
      score = q.items.filter((item, i) => order[i] === item.id).length / q.items.length;
      break;
    }
    case 'numeric':
      score = Math.abs((r as number) - q.answer) <= q.tolerance + 1e-9 ? 1 : 0;
      break;
    case 'text': {
      const given = norm(r as string, q.caseSensitive);
      score = [...q.accepted.uk, ...q.accepted.en].some((a) => norm(a, q.caseSensitive) === given) ? 1 : 0;
      break;
    }
  }
  return { id: q.id, score, status: score >= 1 ? 'correct' : score > 0 ? 'partial' : 'incorrect' };
}

export interface AttemptScore {
  /** Weighted percentage 0–100, two decimals. */
  score: number;
  questions: QuestionScore[];
}

/** Score a set of questions against responses keyed by question id. Missing responses score 0. */
export function scoreAttempt(questions: Question[], responses: Record<string, Response | undefined>): AttemptScore {
  const scored = questions.map((q) => scoreQuestion(q, responses[q.id]));
  const total = questions.reduce((s, q) => s + q.weight, 0);
  const earned = questions.reduce((s, q, i) => s + q.weight * scored[i]!.score, 0);
  const score = total === 0 ? 0 : Math.round((earned / total) * 10000) / 100;
  return { score, questions: scored };
}

/** Passed when the score reaches the pass mark. */
export const isPassed = (score: number, passMark: number) => score >= passMark;

/** SCORM score values: raw 0–100 (`cmi.core.score.raw` / `cmi.score.raw`) and scaled −1..1 (`cmi.score.scaled`, 2004 only). */
export function toScormScore(score: number): { raw: number; min: 0; max: 100; scaled: number } {
  const raw = Math.min(100, Math.max(0, Math.round(score * 100) / 100));
  return { raw, min: 0, max: 100, scaled: Math.round((raw / 100) * 10000) / 10000 };
}

/** The response that scores 1 (for reviews, SCORM correct-response patterns and tests). */
export function correctResponse(q: Question): Response {
  switch (q.type) {
    case 'single':
      return q.options.find((o) => o.correct)!.id;
    case 'multiple':
      return q.options.filter((o) => o.correct).map((o) => o.id);
    case 'true-false':
      return q.answer;
    case 'matching':
      return Object.fromEntries(q.pairs.map((p) => [p.id, p.id]));
    case 'ordering':
      return q.items.map((i) => i.id);
    case 'numeric':
      return q.answer;
    case 'text':
      return q.accepted.uk[0]!;
  }
}
