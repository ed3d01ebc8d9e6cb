/**
 * A learner who knows the content: answers a public (opaque-id) question correctly by reading its
 * texts, the way a person who studied would, never by its ids. For tests that need a pass.
 */
import type { PublicQuestion } from '../../courses/assessment.ts';
import { correctResponse } from '../../courses/scoring.ts';
import type { Question, Response } from '../../courses/schema/question.ts';

type Texts = { id: string; text: string }[];

function byText(list: Texts | undefined, texts: string[]): string {
  const hit = list?.find((x) => texts.includes(x.text));
  if (!hit) throw new Error(`no public option with text ${JSON.stringify(texts)}`);
  return hit.id;
}

/** The right answer to `pub` under its public ids. */
export function rightAnswer(q: Question, pub: PublicQuestion): Response {
  const key = correctResponse(q);
  switch (q.type) {
    case 'single':
    case 'multiple': {
      const textOf = (id: string) => {
        const o = q.options.find((x) => x.id === id)!;
        return [o.uk.text, o.en.text];
      };
      return q.type === 'single'
        ? byText(pub.options, textOf(key as string))
        : (key as string[]).map((id) => byText(pub.options, textOf(id)));
    }
    case 'ordering':
      return q.items.map((i) => byText(pub.items, [i.uk, i.en]));
    case 'matching':
      return Object.fromEntries(
        q.pairs.map((p) => [
          byText(pub.prompts, [p.uk.prompt, p.en.prompt]),
          byText(pub.matches, [p.uk.match, p.en.match]),
        ]),
      );
    default:
      return key;
  }
}

/** Right answers to every question of an attempt view, keyed by question id. */
export function rightAnswers(pool: ReadonlyMap<string, Question>, questions: PublicQuestion[]) {
  return Object.fromEntries(questions.map((p) => [p.id, rightAnswer(pool.get(p.id)!, p)]));
}
