/**
 * Drawing graded attempts and the learner-facing view of a question. Pure; randomness is passed in.
 * `publicQuestion` is what leaves the server: it never contains a correct flag, an answer, accepted
 * texts, feedback or explanations.
 */
import type { Locale } from './schema/common.ts';
import type { Question } from './schema/question.ts';

export type Rng = () => number;

export function shuffle<T>(items: readonly T[], rng: Rng): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** A drawn question: its id and the order its options/items/matches are shown in. */
export interface DrawnQuestion {
  id: string;
  order: string[];
}

/**
 * Draw `n` questions stratified by module: modules take turns (in random order), each giving a random
 * not-yet-drawn question, so every module is represented as evenly as the pool allows.
 */
export function drawQuestions(pool: Question[], n: number, rng: Rng): DrawnQuestion[] {
  const byModule = new Map<string, Question[]>();
  for (const q of shuffle(pool, rng)) byModule.set(q.module, [...(byModule.get(q.module) ?? []), q]);
  const modules = shuffle([...byModule.keys()], rng);
  const picked: Question[] = [];
  while (picked.length < Math.min(n, pool.length)) {
    for (const m of modules) {
      const q = byModule.get(m)!.shift();
      if (q && picked.length < n) picked.push(q);
    }
  }
  return shuffle(picked, rng).map((q) => ({ id: q.id, order: shuffle(optionIds(q), rng) }));
}

function optionIds(q: Question): string[] {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return q.options.map((o) => o.id);
    case 'matching':
      return q.pairs.map((p) => p.id);
    case 'ordering':
      return q.items.map((i) => i.id);
    default:
      return [];
  }
}

export interface PublicQuestion {
  id: string;
  type: Question['type'];
  stem: string;
  unit?: string;
  /** single / multiple: options in display order. */
  options?: { id: string; text: string }[];
  /** ordering: items in a shuffled starting order. */
  items?: { id: string; text: string }[];
  /** matching: prompts in authored order, answers (by pair id) in shuffled order. */
  prompts?: { id: string; text: string }[];
  matches?: { id: string; text: string }[];
}

/** The question as a learner may see it during a graded attempt: no keys, no feedback. */
export function publicQuestion(q: Question, locale: Locale, order: string[] = []): PublicQuestion {
  const ordered = <T extends { id: string }>(list: T[]) =>
    order.length ? order.map((id) => list.find((x) => x.id === id)!).filter(Boolean) : list;
  const base = { id: q.id, type: q.type, stem: q[locale].stem, ...(q[locale].unit ? { unit: q[locale].unit } : {}) };
  switch (q.type) {
    case 'single':
    case 'multiple':
      return { ...base, options: ordered(q.options).map((o) => ({ id: o.id, text: o[locale].text })) };
    case 'ordering':
      return { ...base, items: ordered(q.items).map((i) => ({ id: i.id, text: i[locale] })) };
    case 'matching':
      return {
        ...base,
        prompts: q.pairs.map((p) => ({ id: p.id, text: p[locale].prompt })),
        matches: ordered(q.pairs).map((p) => ({ id: p.id, text: p[locale].match })),
      };
    default:
      return base;
  }
}

/** Feedback for a reviewed question: explanation, overall and per-option feedback, the reference. */
export function reviewOf(q: Question, locale: Locale) {
  return {
    explanation: q[locale].explanation,
    reference: q.reference[locale],
    feedback: q[locale].feedback ?? null,
    optionFeedback:
      q.type === 'single' || q.type === 'multiple'
        ? Object.fromEntries(q.options.filter((o) => o[locale].feedback).map((o) => [o.id, o[locale].feedback!]))
        : {},
  };
}
