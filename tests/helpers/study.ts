/**
 * Progress events of a learner who really studies a course (issue #18, item 5): per module, `viewed`
 * heartbeats covering its minimum study time, a passing practice result when the module has a quiz, and
 * the learner's "completed" mark. Times end at `end` (default: a fixed morning before the tests' clocks).
 */
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
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

/**
 * Store a study history straight into a running server's database (browser and process tests). The
 * API refuses event times from before the account existed (issue #19 item 10), and a learner made a
 * moment ago cannot have studied for minutes: these tests are about what comes after the study.
 */
export function storeStudy(dbFile: string, email: string, events: StudyEvent[]) {
  const db = new SQLite(dbFile);
  try {
    const user = db.prepare('select id from users where email = ?').get(email) as { id: number } | undefined;
    if (!user) throw new Error(`no account ${email} in ${dbFile}`);
    const insert = db.prepare(
      'insert into progress_events (client_id, user_id, course_id, module_id, kind, score, occurred_at, received_at) values (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    db.transaction(() => {
      for (const e of events) insert.run(e.id, user.id, e.course, e.module, e.kind, e.score ?? null, e.at, e.at);
    })();
  } finally {
    db.close();
  }
}
