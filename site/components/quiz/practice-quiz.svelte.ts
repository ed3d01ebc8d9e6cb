/** Behaviour of a practice quiz: responses, checking with the shared scoring engine, feedback, retry. */
import { publicQuestion, reviewOf } from '../../../courses/assessment.ts';
import { scoreAttempt, scoreQuestion, type QuestionScore } from '../../../courses/scoring.ts';
import type { Locale } from '../../../courses/schema/common.ts';
import type { Question, Response } from '../../../courses/schema/question.ts';

export class PracticeQuiz {
  // Raw state (replaced, never mutated): no deep proxies, which keeps the island small.
  responses = $state.raw<Record<string, Response | undefined>>({});
  results = $state.raw<Record<string, QuestionScore>>({});
  readonly views;

  constructor(readonly questions: Question[], readonly locale: Locale) {
    this.views = questions.map((q) => publicQuestion(q, locale));
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
