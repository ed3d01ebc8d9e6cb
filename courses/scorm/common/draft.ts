/**
 * An open graded attempt in a few characters, so a learner who closes the course mid-attempt resumes
 * it on any device. The drawn questions are not stored: the draw is reproduced from a seed with the
 * same `drawQuestions` the platform uses. Responses are stored by drawn position, as option indexes
 * (one base-36 character each) rather than ids:
 *
 *   <seed>.<started, seconds since epoch>~<response 1>~<response 2>…   (all numbers in base 36)
 *
 * single → option index; multiple → option indexes; true-false → t/f; matching → per prompt the
 * matched pair's index or `_`; ordering → item indexes; numeric → the number; text → the text with
 * `%` and `~` percent-escaped; no answer → empty.
 */
import { drawQuestions, type DrawnQuestion, type Rng } from '../../assessment.ts';
import type { Question, Response } from '../../schema/question.ts';
import { responseShapeError } from '../../scoring.ts';

export interface Draft {
  /** Seed of the draw (32-bit unsigned). */
  seed: number;
  /** When the attempt started, ms since epoch (stored to the second). */
  startedAt: number;
  /** Responses by question id. */
  responses: Record<string, Response | undefined>;
}

export class DraftError extends Error {}

/** mulberry32: a small, well-distributed 32-bit PRNG; the same seed gives the same draw everywhere. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The attempt's questions (and option orders) for a seed. */
export function drawFromSeed(
  pool: Question[],
  count: number,
  seed: number,
): { drawn: DrawnQuestion[]; questions: Question[] } {
  const drawn = drawQuestions(pool, count, seededRng(seed));
  const byId = new Map(pool.map((q) => [q.id, q]));
  return { drawn, questions: drawn.map((d) => byId.get(d.id)!) };
}

const ch = (i: number) => i.toString(36);
const escapeText = (s: string) => s.replace(/%/g, '%25').replace(/~/g, '%7E');
const unescapeText = (s: string) => s.replace(/%7E/g, '~').replace(/%25/g, '%');

function ids(q: Question): string[] {
  return q.type === 'single' || q.type === 'multiple'
    ? q.options.map((o) => o.id)
    : q.type === 'matching'
      ? q.pairs.map((p) => p.id)
      : q.type === 'ordering'
        ? q.items.map((i) => i.id)
        : [];
}

function encodeResponse(q: Question, r: Response | undefined): string {
  if (r === undefined || r === null || responseShapeError(q, r)) return '';
  const index = (id: string) => ch(ids(q).indexOf(id));
  switch (q.type) {
    case 'single':
      return index(r as string);
    case 'multiple':
    case 'ordering':
      return (r as string[]).map(index).join('');
    case 'true-false':
      return r ? 't' : 'f';
    case 'matching':
      return q.pairs
        .map((p) => ((r as Record<string, string>)[p.id] ? index((r as Record<string, string>)[p.id]!) : '_'))
        .join('');
    case 'numeric':
      return String(r);
    case 'text':
      return escapeText(r as string);
  }
}

function decodeResponse(q: Question, s: string): Response | undefined {
  if (s === '') return undefined;
  const list = ids(q);
  const id = (c: string) => {
    const i = parseInt(c, 36);
    if (!(i >= 0 && i < list.length)) throw new DraftError(`index "${c}" out of range for question "${q.id}"`);
    return list[i]!;
  };
  let r: Response;
  switch (q.type) {
    case 'single':
      r = id(s);
      break;
    case 'multiple':
    case 'ordering':
      r = [...s].map(id);
      break;
    case 'true-false':
      r = s === 't';
      if (s !== 't' && s !== 'f') throw new DraftError(`bad true/false "${s}"`);
      break;
    case 'matching': {
      if (s.length !== q.pairs.length) throw new DraftError(`matching response of the wrong length for "${q.id}"`);
      r = Object.fromEntries(q.pairs.flatMap((p, i) => (s[i] === '_' ? [] : [[p.id, id(s[i]!)]])));
      break;
    }
    case 'numeric':
      r = Number(s);
      break;
    case 'text':
      r = unescapeText(s);
      break;
  }
  if (responseShapeError(q, r)) throw new DraftError(`response does not fit question "${q.id}"`);
  return r;
}

export function encodeDraft(pool: Question[], count: number, d: Draft): string {
  const { questions } = drawFromSeed(pool, count, d.seed);
  const head = `${(d.seed >>> 0).toString(36)}.${Math.floor(d.startedAt / 1000).toString(36)}`;
  return [head, ...questions.map((q) => encodeResponse(q, d.responses[q.id]))].join('~').replace(/~+$/, '');
}

/** Decode a draft; throws `DraftError` when it does not fit this pool (e.g. the course changed). */
export function decodeDraft(pool: Question[], count: number, text: string): Draft {
  const [head, ...rest] = text.split('~');
  const m = /^([0-9a-z]{1,7})\.([0-9a-z]{1,9})$/.exec(head ?? '');
  if (!m) throw new DraftError(`bad draft header "${head}"`);
  const seed = parseInt(m[1]!, 36);
  if (seed > 0xffffffff) throw new DraftError('seed out of range');
  const { questions } = drawFromSeed(pool, count, seed);
  if (rest.length > questions.length) throw new DraftError('more responses than questions');
  const responses: Record<string, Response | undefined> = {};
  questions.forEach((q, i) => {
    const r = decodeResponse(q, rest[i] ?? '');
    if (r !== undefined) responses[q.id] = r;
  });
  return { seed, startedAt: parseInt(m[2]!, 36) * 1000, responses };
}
