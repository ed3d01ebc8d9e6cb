/**
 * One interaction per answered graded question, in a form both standards can be written from
 * (`scorm12/cmi.ts`, `scorm2004/cmi.ts` turn it into their own response formats).
 */
import type { Locale } from '../../schema/common.ts';
import type { Question, Response } from '../../schema/question.ts';
import { isUnanswered, type QuestionScore } from '../../scoring.ts';
import type { InteractionType } from './spec.ts';

/** A response in neutral form: ids keep their authored position (`index`) for 1.2's single-character codes. */
export type Answer =
  | { kind: 'choice' | 'sequencing'; items: { id: string; index: number }[] }
  | { kind: 'matching'; pairs: { source: { id: string; index: number }; target: { id: string; index: number } }[] }
  | { kind: 'true-false'; value: boolean }
  | { kind: 'numeric'; value: number }
  | { kind: 'fill-in'; text: string };

export type CorrectPattern =
  | Answer
  | { kind: 'numeric-range'; min: number; max: number; value: number }
  | { kind: 'fill-in-accepted'; texts: string[]; caseMatters: boolean };

export interface Interaction {
  /** The question id (a valid identifier in both standards: lower-case letters, digits, hyphens). */
  id: string;
  type: InteractionType;
  /** The question's stem in the package's locale (2004 `description`). */
  description: string;
  weighting: number;
  learner: Answer;
  correct: CorrectPattern;
  /** 1 correct, 0 incorrect, in between partial credit (written as a decimal). */
  score: number;
  /** When the attempt was submitted. */
  at: Date;
  /** The package's locale (language of the texts). */
  lang: Locale;
}

export const INTERACTION_TYPE: Record<Question['type'], InteractionType> = {
  single: 'choice',
  multiple: 'choice',
  'true-false': 'true-false',
  matching: 'matching',
  ordering: 'sequencing',
  numeric: 'numeric',
  text: 'fill-in',
};

function indexed(list: { id: string }[], ids: string[]) {
  return ids.map((id) => ({ id, index: list.findIndex((x) => x.id === id) }));
}

function answerOf(q: Question, r: Response): Answer {
  switch (q.type) {
    case 'single':
      return { kind: 'choice', items: indexed(q.options, [r as string]) };
    // A choice response is a set: written in authored order, whatever order the boxes were ticked in.
    case 'multiple':
      return { kind: 'choice', items: indexed(q.options, r as string[]).sort((a, b) => a.index - b.index) };
    case 'ordering':
      return { kind: 'sequencing', items: indexed(q.items, r as string[]) };
    case 'true-false':
      return { kind: 'true-false', value: r as boolean };
    case 'numeric':
      return { kind: 'numeric', value: r as number };
    case 'text':
      return { kind: 'fill-in', text: r as string };
    case 'matching': {
      const m = r as Record<string, string>;
      return {
        kind: 'matching',
        pairs: q.pairs
          .filter((p) => m[p.id])
          .map((p) => ({ source: indexed(q.pairs, [p.id])[0]!, target: indexed(q.pairs, [m[p.id]!])[0]! })),
      };
    }
  }
}

function correctOf(q: Question, locale: Locale): CorrectPattern {
  switch (q.type) {
    case 'single':
      return answerOf(q, q.options.find((o) => o.correct)!.id);
    case 'multiple':
      return answerOf(
        q,
        q.options.filter((o) => o.correct).map((o) => o.id),
      );
    case 'ordering':
      return answerOf(
        q,
        q.items.map((i) => i.id),
      );
    case 'matching':
      return answerOf(q, Object.fromEntries(q.pairs.map((p) => [p.id, p.id])));
    case 'true-false':
      return { kind: 'true-false', value: q.answer };
    case 'numeric':
      return { kind: 'numeric-range', min: q.answer - q.tolerance, max: q.answer + q.tolerance, value: q.answer };
    case 'text':
      return {
        kind: 'fill-in-accepted',
        texts: [...new Set([...q.accepted[locale], ...q.accepted[locale === 'uk' ? 'en' : 'uk']])],
        caseMatters: q.caseSensitive,
      };
  }
}

/** Interactions for the answered questions of a scored attempt (unanswered questions get none). */
export function interactionsOf(
  questions: Question[],
  responses: Record<string, Response | undefined>,
  scored: QuestionScore[],
  locale: Locale,
  at: Date,
): Interaction[] {
  const byId = new Map(scored.map((s) => [s.id, s]));
  return questions.flatMap((q) => {
    const r = responses[q.id];
    if (isUnanswered(r)) return [];
    return [
      {
        id: q.id,
        type: INTERACTION_TYPE[q.type],
        description: q[locale].stem,
        weighting: q.weight,
        learner: answerOf(q, r!),
        correct: correctOf(q, locale),
        score: byId.get(q.id)?.score ?? 0,
        at,
        lang: locale,
      },
    ];
  });
}
