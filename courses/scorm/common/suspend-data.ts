/**
 * The compact `cmi.suspend_data` codec. SCORM 1.2 allows only 4,096 characters (CMIString4096,
 * 1.2 RTE 3.4.2), so the learner's progress is written as a short line rather than JSON:
 *
 *   o1|<bookmark>|<done modules: base-36 bit mask>|<attempts>|<best score>|<last score>|<passed 0/1>|<draft>
 *
 * Scores are hundredths in base 36. `<draft>` is an open graded attempt (see `draft.ts`), escaped so
 * it cannot contain `|`. The draft is the only part that can grow; when the whole line would exceed
 * the limit the draft is left out (the browser keeps it on the device) and everything else is kept.
 */
import { SUSPEND_DATA_LIMIT, type ScormVersion } from './spec.ts';

/** A page of the package the learner can return to: '' course page, `m<n>` module n (1-based), `p<n>` its plan, `a` assessment, `g` glossary, `h` help. */
export const BOOKMARK = /^(|m\d{1,3}|p\d{1,3}|a|g|h)$/;

export interface Progress {
  /** The page the learner was last on (see `BOOKMARK`). */
  bookmark: string;
  /** 0-based indexes of the modules marked complete. */
  done: number[];
  /** Graded attempts submitted. */
  attempts: number;
  /** Best and latest attempt score, 0–100 (null before the first attempt). */
  best: number | null;
  last: number | null;
  /** Whether any attempt reached the pass mark. */
  passed: boolean;
  /** The open attempt, encoded by `draft.ts` (null when none). */
  draft: string | null;
}

export const emptyProgress = (): Progress => ({
  bookmark: '',
  done: [],
  attempts: 0,
  best: null,
  last: null,
  passed: false,
  draft: null,
});

export class SuspendDataError extends Error {}

const TAG = 'o1';
const escapeDraft = (s: string) => s.replace(/%/g, '%25').replace(/\|/g, '%7C');
const unescapeDraft = (s: string) => s.replace(/%7C/g, '|').replace(/%25/g, '%');

const score36 = (n: number | null) => (n === null ? '' : Math.round(n * 100).toString(36));
function parseScore(s: string): number | null {
  if (s === '') return null;
  if (!/^[0-9a-z]{1,4}$/.test(s)) throw new SuspendDataError(`bad score "${s}"`);
  const v = parseInt(s, 36) / 100;
  if (v > 100) throw new SuspendDataError(`score ${v} is above 100`);
  return v;
}

function mask(done: number[]): string {
  let m = 0n;
  for (const i of done) m |= 1n << BigInt(i);
  return m.toString(36);
}

function unmask(s: string, modules: number): number[] {
  if (!/^[0-9a-z]{1,25}$/.test(s)) throw new SuspendDataError(`bad module mask "${s}"`);
  let m = 0n;
  for (const ch of s) m = m * 36n + BigInt(parseInt(ch, 36));
  const out: number[] = [];
  for (let i = 0; m > 0n; i++, m >>= 1n) if (m & 1n) out.push(i);
  if (out.some((i) => i >= modules)) throw new SuspendDataError(`module mask "${s}" names a module beyond ${modules}`);
  return out;
}

export interface Encoded {
  text: string;
  /** False when the open attempt did not fit and was left out. */
  draftKept: boolean;
}

/** Encode `p` within the version's limit (the draft is dropped first when it does not fit). */
export function encodeProgress(p: Progress, version: ScormVersion, limit = SUSPEND_DATA_LIMIT[version]): Encoded {
  if (!BOOKMARK.test(p.bookmark)) throw new SuspendDataError(`bad bookmark "${p.bookmark}"`);
  const core = [
    TAG,
    p.bookmark,
    mask(p.done),
    p.attempts.toString(36),
    score36(p.best),
    score36(p.last),
    p.passed ? '1' : '0',
  ].join('|');
  const full = `${core}|${p.draft ? escapeDraft(p.draft) : ''}`;
  if (full.length <= limit) return { text: full, draftKept: true };
  if (core.length + 1 > limit)
    throw new SuspendDataError(`progress needs ${core.length + 1} characters, more than the limit ${limit}`);
  return { text: `${core}|`, draftKept: !p.draft };
}

/** Decode suspend data written by `encodeProgress` for a course of `modules` modules; '' gives empty progress. */
export function decodeProgress(text: string, modules: number): Progress {
  if (text === '') return emptyProgress();
  const parts = text.split('|');
  if (parts[0] !== TAG || parts.length !== 8)
    throw new SuspendDataError(`not Oberih suspend data (${JSON.stringify(text.slice(0, 20))}…)`);
  const [, bookmark, done, attempts, best, last, passed, draft] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!BOOKMARK.test(bookmark)) throw new SuspendDataError(`bad bookmark "${bookmark}"`);
  if (!/^[0-9a-z]{1,3}$/.test(attempts)) throw new SuspendDataError(`bad attempt count "${attempts}"`);
  if (passed !== '0' && passed !== '1') throw new SuspendDataError(`bad passed flag "${passed}"`);
  return {
    bookmark,
    done: unmask(done, modules),
    attempts: parseInt(attempts, 36),
    best: parseScore(best),
    last: parseScore(last),
    passed: passed === '1',
    draft: draft ? unescapeDraft(draft) : null,
  };
}
