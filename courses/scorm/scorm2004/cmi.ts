/**
 * SCORM 2004 4th Edition data model writers (RTE 4.2). Response formats from RTE 4.2.9.1:
 * choice and sequencing `a[,]b`, matching `source[.]target[,]…`, true-false `true`/`false`,
 * numeric a real (correct pattern `min[:]max`), fill-in a string (pattern `{case_matters=…}text`).
 */
import type { Answer, CorrectPattern, Interaction } from '../common/interactions.ts';
import type { Dialect } from '../common/lms.ts';
import { DESCRIPTION_KEPT, DESCRIPTION_LIMIT_2004, FILL_IN_LIMIT_2004 } from '../common/spec.ts';
import { iso8601Duration, iso8601Timestamp } from '../common/time.ts';

/** A text starting with `{` would be read as a `{lang=…}` delimiter (RTE 4.1.1.6, reserved delimiters): such text gets an explicit language prefix. */
function fillIn(text: string, lang: string): string {
  const t = text.slice(0, FILL_IN_LIMIT_2004);
  return t.startsWith('{') ? `{lang=${lang}}${t}` : t;
}

/** Learner response / correct pattern(s) in 2004's formats. */
export function format2004(a: Answer | CorrectPattern, lang = 'uk'): string[] {
  switch (a.kind) {
    case 'choice':
    case 'sequencing':
      return [a.items.map((x) => x.id).join('[,]')];
    case 'matching':
      return [a.pairs.map((p) => `${p.source.id}[.]${p.target.id}`).join('[,]')];
    case 'true-false':
      return [a.value ? 'true' : 'false'];
    case 'numeric':
      return [String(a.value)];
    case 'numeric-range':
      return [`${a.min}[:]${a.max}`];
    case 'fill-in':
      return [fillIn(a.text, lang)];
    // RTE 4.2.9.1: fill-in keeps at most 5 correct response patterns.
    case 'fill-in-accepted':
      return a.texts.slice(0, 5).map((t) => `{case_matters=${a.caseMatters}}${t.slice(0, FILL_IN_LIMIT_2004)}`);
  }
}

export const result2004 = (score: number) =>
  score >= 1 ? 'correct' : score <= 0 ? 'incorrect' : String(Math.round(score * 10000) / 10000);

export const scorm2004: Dialect = {
  version: '2004',
  location: 'cmi.location',
  suspendData: 'cmi.suspend_data',
  mode: 'cmi.mode',
  credit: 'cmi.credit',
  firstLaunch: (lms) => ['not attempted', 'unknown', ''].includes(lms.get('cmi.completion_status')),
  markIncomplete: (lms) => void lms.set('cmi.completion_status', 'incomplete'),
  writeStatus(lms, status) {
    if (status.score !== null) {
      // Moodle reads raw (and min/max); scaled feeds the LMS's own mastery check (imsss minNormalizedMeasure).
      lms.set('cmi.score.min', '0');
      lms.set('cmi.score.max', '100');
      lms.set('cmi.score.raw', String(status.score));
      lms.set('cmi.score.scaled', String(Math.round(status.score * 100) / 10000));
    }
    lms.set('cmi.progress_measure', String(status.progress));
    lms.set('cmi.completion_status', status.completion);
    lms.set('cmi.success_status', status.success);
  },
  writeInteraction(lms, n, ix: Interaction) {
    const p = `cmi.interactions.${n}.`;
    lms.set(`${p}id`, ix.id);
    lms.set(`${p}type`, ix.type);
    lms.set(`${p}timestamp`, iso8601Timestamp(ix.at));
    lms.set(`${p}weighting`, String(ix.weighting));
    lms.set(`${p}description`, ix.description.slice(0, Math.min(DESCRIPTION_KEPT, DESCRIPTION_LIMIT_2004)).trimEnd());
    lms.set(`${p}learner_response`, format2004(ix.learner, ix.lang)[0]!);
    format2004(ix.correct).forEach((pattern, i) => lms.set(`${p}correct_responses.${i}.pattern`, pattern));
    lms.set(`${p}result`, result2004(ix.score));
  },
  writeExit(lms, ms) {
    lms.set('cmi.session_time', iso8601Duration(ms));
    lms.set('cmi.exit', 'suspend');
  },
  interactionCount: (lms) => Number(lms.get('cmi.interactions._count')) || 0,
  interactionIds(lms) {
    return Array.from({ length: this.interactionCount(lms) }, (_, n) => lms.get(`cmi.interactions.${n}.id`));
  },
};
