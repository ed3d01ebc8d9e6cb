/**
 * SCORM 1.2 data model writers (RTE 3.4.2 "The Data Model"). Choice, matching and sequencing
 * responses use single characters 0–9, a–z (CMIFeedback formats): options, items and targets are
 * letters by authored position (a = first), matching sources digits (0 = first prompt).
 */
import type { Answer, CorrectPattern, Interaction } from '../common/interactions.ts';
import type { Dialect, Lms } from '../common/lms.ts';
import { CHARS_12, RESPONSE_LIMIT_12 } from '../common/spec.ts';
import { scorm12Time, scorm12Timespan } from '../common/time.ts';

const letter = (i: number) => CHARS_12[10 + i]!;
const digit = (i: number) => CHARS_12[i]!;

/** `cmi.interactions.n.student_response` / `correct_responses.n.pattern` in 1.2's formats. */
export function format12(a: Answer | CorrectPattern): string {
  switch (a.kind) {
    case 'choice':
    case 'sequencing':
      return a.items.map((x) => letter(x.index)).join(',');
    case 'matching':
      return a.pairs.map((p) => `${digit(p.source.index)}.${letter(p.target.index)}`).join(',');
    case 'true-false':
      return a.value ? 't' : 'f';
    case 'numeric':
      return String(a.value);
    // 1.2 numeric patterns hold one value, not a range.
    case 'numeric-range':
      return String(a.value);
    case 'fill-in':
      return a.text.slice(0, RESPONSE_LIMIT_12);
    case 'fill-in-accepted':
      return (a.texts[0] ?? '').slice(0, RESPONSE_LIMIT_12);
  }
}

/** 1.2 `result`: correct, wrong, or the partial credit as a CMIDecimal. */
export const result12 = (score: number) =>
  score >= 1 ? 'correct' : score <= 0 ? 'wrong' : String(Math.round(score * 100) / 100);

export const scorm12: Dialect = {
  version: '1.2',
  location: 'cmi.core.lesson_location',
  suspendData: 'cmi.suspend_data',
  mode: 'cmi.core.lesson_mode',
  credit: 'cmi.core.credit',
  firstLaunch: (lms) => ['not attempted', ''].includes(lms.get('cmi.core.lesson_status')),
  markIncomplete: (lms) => void lms.set('cmi.core.lesson_status', 'incomplete'),
  writeStatus(lms, status, facts) {
    if (status.score !== null) {
      lms.set('cmi.core.score.min', '0');
      lms.set('cmi.core.score.max', '100');
      lms.set('cmi.core.score.raw', String(status.score));
    }
    // 1.2 has one status: passed/failed once an attempt exists, else completed/incomplete.
    lms.set(
      'cmi.core.lesson_status',
      facts.hasAssessment ? (status.success === 'unknown' ? 'incomplete' : status.success) : status.completion,
    );
  },
  writeInteraction(lms, n, ix: Interaction) {
    const p = `cmi.interactions.${n}.`;
    lms.set(`${p}id`, ix.id);
    lms.set(`${p}type`, ix.type);
    lms.set(`${p}time`, scorm12Time(ix.at));
    lms.set(`${p}weighting`, String(ix.weighting));
    lms.set(`${p}student_response`, format12(ix.learner));
    lms.set(`${p}correct_responses.0.pattern`, format12(ix.correct));
    lms.set(`${p}result`, result12(ix.score));
  },
  writeExit(lms, ms) {
    lms.set('cmi.core.session_time', scorm12Timespan(ms));
    lms.set('cmi.core.exit', 'suspend');
  },
  interactionCount: (lms) => Number(lms.get('cmi.interactions._count')) || 0,
  // 1.2 interactions are write-only (RTE 3.4.2): each attempt's answers are journaled after the last.
  interactionIds: () => null,
};

export type { Lms };
