/**
 * Plausible wrong answers for generated data (the demo seed, the benchmark's seed and load): what a
 * learner who misunderstood would give, so item statistics look like a real cohort's.
 */
import type { Question, Response } from './schema/question.ts';

/**
 * A wrong (or only partly right) response to `q`. With a random source it varies: the first wrong
 * option is the "attractive" one most learners pick, numeric answers miss the tolerance by 1–5. Without one it is
 * deterministic.
 */
export function wrongResponse(q: Question, rand: () => number = () => 0): Response {
  switch (q.type) {
    case 'single': {
      const wrong = q.options.filter((o) => !o.correct);
      return (rand() < 0.6 ? wrong[0]! : wrong[Math.floor(rand() * wrong.length)]!).id;
    }
    case 'multiple': {
      const right = q.options.filter((o) => o.correct).map((o) => o.id);
      const wrong = q.options.filter((o) => !o.correct).map((o) => o.id);
      const kept = right.length > 1 && rand() < 0.5 ? right.slice(1) : right;
      return wrong.length ? [...kept, wrong[0]!] : kept.slice(1);
    }
    case 'true-false':
      return !q.answer;
    case 'matching': {
      const ids = q.pairs.map((p) => p.id);
      return Object.fromEntries(ids.map((id, i) => [id, i < 2 ? ids[1 - i]! : id]));
    }
    case 'ordering': {
      const ids = q.items.map((i) => i.id);
      return [ids[1]!, ids[0]!, ...ids.slice(2)];
    }
    case 'numeric':
      // Outside the accepted tolerance, by 1–5 more.
      return q.answer + (rand() < 0.5 ? -1 : 1) * ((q.tolerance ?? 0) + 1 + Math.floor(rand() * 5));
    case 'text':
      return 'не знаю';
  }
}
