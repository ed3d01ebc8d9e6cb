/**
 * Per-attempt public identifiers for a graded attempt (issue #18, item 1). Authored ids say too much:
 * authors write the right option first (`a`), ordering items in their correct order, and a matching
 * pair's prompt and answer share one id. So every option, ordering item, matching prompt and matching
 * answer leaves the server under an id derived from the attempt (the caller's `mask`, an HMAC with a
 * per-attempt key), prompts and answers under different ids. The stored draw keeps the map (authored →
 * public); responses are mapped back before scoring, so storage, scoring and item analysis keep
 * working on authored ids. Pure: the keyed hash is passed in.
 */
import { drawQuestions, publicQuestion, type DrawnQuestion, type PublicQuestion, type Rng } from './assessment.ts';
import type { Locale } from './schema/common.ts';
import type { Question, Response } from './schema/question.ts';

/** What a public id names: `o` option or ordering item, `p` matching prompt, `m` matching answer. */
export type IdKind = 'o' | 'p' | 'm';
/** Public id of one authored id of one question (e.g. an HMAC, short and URL-safe). */
export type IdMask = (kind: IdKind, questionId: string, authoredId: string) => string;

/** A drawn question as stored: option order plus, for attempts drawn with opaque ids, the id maps. */
export interface MaskedDraw extends DrawnQuestion {
  /** Authored → public id of options, ordering items and matching answers. */
  ids?: Record<string, string>;
  /** Authored → public id of matching prompts (never equal to the answers' ids). */
  prompts?: Record<string, string>;
}

function authoredIds(q: Question): string[] {
  if (q.type === 'single' || q.type === 'multiple') return q.options.map((o) => o.id);
  if (q.type === 'matching') return q.pairs.map((p) => p.id);
  if (q.type === 'ordering') return q.items.map((i) => i.id);
  return [];
}

function mapOf(kind: IdKind, q: Question, ids: string[], mask: IdMask, taken: Set<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of ids) {
    const pub = mask(kind, q.id, id);
    // A collision of two short hashes within one question is astronomically unlikely (2^-60 for
    // 10 base64url characters), but a silent one would score the wrong option: refuse it.
    if (taken.has(pub)) throw new Error(`public id collision in question "${q.id}"`);
    taken.add(pub);
    out[id] = pub;
  }
  return out;
}

/** Add the public id maps to a drawn question. */
export function withPublicIds(q: Question, d: DrawnQuestion, mask: IdMask): MaskedDraw {
  const ids = authoredIds(q);
  if (!ids.length) return d;
  const taken = new Set<string>();
  const map: MaskedDraw = { ...d, ids: mapOf(q.type === 'matching' ? 'm' : 'o', q, ids, mask, taken) };
  if (q.type === 'matching') map.prompts = mapOf('p', q, ids, mask, taken);
  return map;
}

/** Draw an attempt (courses/assessment.ts) and give every option of it a public id. */
export function drawAttempt(pool: Question[], n: number, rng: Rng, mask: IdMask): MaskedDraw[] {
  const byId = new Map(pool.map((q) => [q.id, q]));
  return drawQuestions(pool, n, rng).map((d) => withPublicIds(byId.get(d.id)!, d, mask));
}

/** The learner's view of a drawn question, under the attempt's public ids when it has them. */
export function maskedQuestion(q: Question, locale: Locale, d: MaskedDraw): PublicQuestion {
  const view = publicQuestion(q, locale, d.order);
  if (!d.ids) return view;
  const ids = d.ids;
  const rename = (list?: { id: string; text: string }[], map: Record<string, string> = ids) =>
    list?.map((x) => ({ ...x, id: map[x.id]! }));
  return {
    ...view,
    ...(view.options ? { options: rename(view.options) } : {}),
    ...(view.items ? { items: rename(view.items) } : {}),
    ...(view.prompts ? { prompts: rename(view.prompts, d.prompts) } : {}),
    ...(view.matches ? { matches: rename(view.matches) } : {}),
  };
}

const invert = (m: Record<string, string>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [v, k]));

/** A response under public ids as authored ids, or why it cannot be mapped (unknown id for this attempt). */
export function unmaskResponse(q: Question, d: MaskedDraw, r: Response): { response: Response } | { error: string } {
  if (!d.ids) return { response: r };
  const back = invert(d.ids);
  const unknown = (id: string) => ({
    error: `"${id}" is not an id of this question in this attempt (ids differ per attempt: answer with the ids this attempt sent)`,
  });
  const one = (id: string) => back[id];
  switch (q.type) {
    case 'single': {
      if (typeof r !== 'string') return { response: r };
      return one(r) ? { response: one(r)! } : unknown(r);
    }
    case 'multiple':
    case 'ordering': {
      if (!Array.isArray(r)) return { response: r };
      const bad = r.find((x) => !one(x));
      return bad !== undefined ? unknown(bad) : { response: r.map((x) => one(x)!) };
    }
    case 'matching': {
      if (typeof r !== 'object' || r === null || Array.isArray(r)) return { response: r };
      const prompts = invert(d.prompts ?? {});
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries(r)) {
        if (!prompts[k]) return unknown(k);
        if (!back[v]) return unknown(v);
        out[prompts[k]!] = back[v]!;
      }
      return { response: out };
    }
    default:
      return { response: r };
  }
}

/** An authored-id response under the attempt's public ids (for the review and for tests). */
export function maskResponse(q: Question, d: MaskedDraw, r: Response): Response {
  const ids = d.ids;
  if (!ids) return r;
  if (q.type === 'single' && typeof r === 'string') return ids[r] ?? r;
  if ((q.type === 'multiple' || q.type === 'ordering') && Array.isArray(r)) return r.map((x) => ids[x] ?? x);
  if (q.type === 'matching' && typeof r === 'object' && r !== null && !Array.isArray(r))
    return Object.fromEntries(Object.entries(r).map(([k, v]) => [d.prompts?.[k] ?? k, ids[v] ?? v]));
  return r;
}
