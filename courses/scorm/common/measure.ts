/**
 * The largest suspend_data a course can need: every module done, the longest bookmark, the most
 * attempts with three-digit scores, and an open attempt where every drawn question is answered with
 * its longest response (all options ticked, every pair matched, text at its longest accepted answer).
 * A learner can still type a longer free-text answer; then `encodeProgress` leaves the open attempt
 * out of suspend_data (it stays on the device), so the limit holds whatever is typed.
 */
import type { Course } from '../../schema/course.ts';
import type { Question, Response } from '../../schema/question.ts';
import { drawFromSeed, encodeDraft } from './draft.ts';
import { encodeProgress, type Progress } from './suspend-data.ts';
import type { ScormVersion } from './spec.ts';

function longest(q: Question): Response {
  switch (q.type) {
    case 'single':
      return q.options[q.options.length - 1]!.id;
    case 'multiple':
      return q.options.map((o) => o.id);
    case 'true-false':
      return false;
    case 'matching':
      return Object.fromEntries(q.pairs.map((p, i) => [p.id, q.pairs[(i + 1) % q.pairs.length]!.id]));
    case 'ordering':
      return [...q.items].reverse().map((i) => i.id);
    case 'numeric':
      return -(Math.abs(q.answer) + q.tolerance + 0.123456789);
    case 'text':
      return [...q.accepted.uk, ...q.accepted.en].sort((a, b) => b.length - a.length)[0]!;
  }
}

export function worstCaseProgress(course: Course, pool: Question[] | null, seed = 0xffffffff): Progress {
  const n = course.modules.length;
  let draft: string | null = null;
  if (course.assessment && pool) {
    const { questions } = drawFromSeed(pool, course.assessment.questions, seed);
    draft = encodeDraft(pool, course.assessment.questions, {
      seed,
      startedAt: Date.UTC(2099, 11, 31),
      responses: Object.fromEntries(questions.map((q) => [q.id, longest(q)])),
    });
  }
  return {
    bookmark: `p${n}`,
    done: course.modules.map((_, i) => i),
    attempts: course.assessment?.maxAttempts ?? 50,
    best: 99.99,
    last: 99.99,
    passed: true,
    draft,
  };
}

/** Characters of the worst-case suspend_data for `version` (and whether the open attempt still fits). */
export function measureSuspendData(course: Course, pool: Question[] | null, version: ScormVersion) {
  const enc = encodeProgress(worstCaseProgress(course, pool), version);
  return { chars: enc.text.length, draftKept: enc.draftKept };
}
