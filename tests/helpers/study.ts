/**
 * Progress events of a learner who really studies a course (issue #18, item 5): per module, `viewed`
 * heartbeats covering its minimum study time, a passing practice result when the module has a quiz, and
 * the learner's "completed" mark. Times end at `end` (default: a fixed morning before the tests' clocks).
 */
import crypto from 'node:crypto';
import { HEARTBEAT_SECONDS, masteryRules } from '../../courses/completion.ts';
import type { LoadedCourse } from '../../courses/catalog.ts';

export interface StudyEvent {
  id: string;
  course: string;
  module: string;
  kind: 'viewed' | 'completed' | 'practice';
  score?: number;
  at: string;
}

export function studyEvents(
  loaded: Pick<LoadedCourse, 'course' | 'modules'>,
  opts: { end?: Date; modules?: string[]; minutes?: (floor: number) => number; practice?: number | null } = {},
): StudyEvent[] {
  const rules = masteryRules(loaded);
  const course = loaded.course.id;
  const end = (opts.end ?? new Date('2026-11-29T09:00:00Z')).getTime();
  const uid = () => crypto.randomUUID();
  return (opts.modules ?? loaded.course.modules).flatMap((module) => {
    const rule = rules[module]!;
    const minutes = opts.minutes ? opts.minutes(rule.minMinutes) : rule.minMinutes + 1;
    const beats = Math.ceil((minutes * 60) / HEARTBEAT_SECONDS);
    const at = (msBefore: number) => new Date(end - msBefore).toISOString();
    const events: StudyEvent[] = [];
    for (let i = beats; i >= 0; i--)
      events.push({ id: uid(), course, module, kind: 'viewed', at: at(i * HEARTBEAT_SECONDS * 1000 + 2000) });
    const practice = opts.practice === undefined ? 100 : opts.practice;
    if (rule.practice && practice !== null)
      events.push({ id: uid(), course, module, kind: 'practice', score: practice, at: at(1000) });
    events.push({ id: uid(), course, module, kind: 'completed', at: at(0) });
    return events;
  });
}
