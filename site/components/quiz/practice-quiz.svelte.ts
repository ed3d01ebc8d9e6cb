/** Behaviour of a practice quiz: responses, checking with the shared scoring engine, feedback, retry. */
import { publicQuestion, reviewOf, shuffle } from '../../../courses/assessment.ts';
import { scoreAttempt, scoreQuestion, type QuestionScore } from '../../../courses/scoring.ts';
import type { Locale } from '../../../courses/schema/common.ts';
import type { Question, Response } from '../../../courses/schema/question.ts';

function seeded(text: string) {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return () => ((h = Math.imul(h ^ (h >>> 15), 2246822507) ^ Math.imul(h ^ (h >>> 13), 3266489909)) >>> 0) / 4294967296;
}

function practiceOrder(q: Question): string[] {
  const ids = q.type === 'ordering' ? q.items.map((i) => i.id) : q.type === 'matching' ? q.pairs.map((p) => p.id) : [];
  if (ids.length < 2) return [];
  const order = shuffle(ids, seeded(q.id));
  // Never start an ordering question already solved.
  return order.every((id, i) => id === ids[i]) ? [...ids.slice(1), ids[0]!] : order;
}

export class PracticeQuiz {
  // Raw state (replaced, never mutated): no deep proxies, which keeps the island small.
  responses = $state.raw<Record<string, Response | undefined>>({});
  results = $state.raw<Record<string, QuestionScore>>({});
  readonly views;

  constructor(
    readonly questions: Question[],
    readonly locale: Locale,
  ) {
    // Ordering items and matching answers start shuffled (the authored order is the answer), with a
    // shuffle seeded by the question id so the server-rendered and hydrated orders agree.
    this.views = questions.map((q) => publicQuestion(q, locale, practiceOrder(q)));
  }

  /** Score one question now (instant feedback). Returns false when it has no answer yet. */
  check(index: number): boolean {
    const q = this.questions[index]!;
    const r = scoreQuestion(q, this.responses[q.id]);
    if (r.status === 'unanswered') return false;
    this.results = { ...this.results, [q.id]: r };
    return true;
  }

  review(index: number) {
    return reviewOf(this.questions[index]!, this.locale);
  }

  get done() {
    return this.questions.every((q) => this.results[q.id]);
  }

  /** Percentage over all questions, via the same engine the graded assessment uses. */
  get score() {
    return scoreAttempt(this.questions, this.responses).score;
  }

  answer(id: string, r: Response | undefined) {
    this.responses = { ...this.responses, [id]: r };
  }

  reset() {
    this.responses = {};
    this.results = {};
  }
}
