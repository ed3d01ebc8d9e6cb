/**
 * Certification cycles (issue #18, item 6), pure. A learner's history with a course is a sequence of
 * cycles: the initial one, then one renewal cycle per certificate that expires. A renewal cycle opens
 * `renewalWindowDays` before the certificate issued in the previous cycle expires. Attempts at the graded
 * final are counted per cycle (an officer who used every attempt last year can renew this year), and a
 * pass in the current cycle completes it whatever its score relative to earlier cycles.
 *
 * An attempt belongs to the cycle in which it was started (a server-side time, never the device's).
 */
import { certificateExpiry } from './completion.ts';
import type { Course } from './schema/course.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CycleAttempt {
  id: string;
  started_at: string;
  submitted_at: string | null;
  passed: number | null;
  score: number | null;
}

export interface Cycle {
  /** 0 for the initial cycle, n for the n-th renewal. */
  index: number;
  kind: 'initial' | 'renewal';
  /** When the cycle opened (null for the initial cycle, which has always been open). */
  opensAt: string | null;
  /** Whether a completion was recorded in this cycle (the learner is certified until the next one opens). */
  completed: boolean;
  /** When the next renewal cycle opens, once this one is completed and the certificate expires. */
  nextOpensAt: string | null;
  /**
   * The date by which the cycle must be completed: the certificate's expiry for a renewal, the
   * earliest cohort due date (given by the caller) for the initial cycle, or null.
   */
  deadline: string | null;
  /** Attempts started in this cycle (an open one included: it is being used). */
  attemptsUsed: number;
  /** Attempts still allowed in this cycle, or null when the course allows unlimited attempts. */
  attemptsLeft: number | null;
}

/** When the renewal of a completion at `completedAt` opens, or null when its certificate never expires. */
export function renewalOpensAt(course: Course, completedAt: string): Date | null {
  const expiry = certificateExpiry(course, new Date(completedAt));
  return expiry ? new Date(expiry.getTime() - course.renewalWindowDays * DAY_MS) : null;
}

/**
 * The learner's current cycle. `completions` in any order; `initialDeadline` is the cohort due date that
 * applies to the initial cycle, if any.
 */
export function currentCycle(
  course: Course,
  completions: readonly { completed_at: string }[],
  attempts: readonly CycleAttempt[],
  now: Date,
  initialDeadline: string | null = null,
): Cycle {
  const sorted = [...completions].sort((a, b) => (a.completed_at < b.completed_at ? -1 : 1));
  let index = 0;
  let opensAt: Date | null = null;
  let previousExpiry: Date | null = null;
  for (const c of sorted) {
    const opens = renewalOpensAt(course, c.completed_at);
    // Each completion whose renewal window has opened starts a new cycle (a later completion in the
    // same cycle, e.g. for a new content version, does not start another).
    if (opens && opens.getTime() <= now.getTime() && (!opensAt || opens.getTime() > opensAt.getTime())) {
      index++;
      opensAt = opens;
      previousExpiry = certificateExpiry(course, new Date(c.completed_at));
    }
  }
  const inCycle = (iso: string) => !opensAt || Date.parse(iso) >= opensAt.getTime();
  const latest = sorted.at(-1);
  const completed = !!latest && inCycle(latest.completed_at);
  const used = attempts.filter((a) => inCycle(a.started_at)).length;
  const max = course.assessment?.maxAttempts;
  const next = completed ? renewalOpensAt(course, latest.completed_at) : null;
  return {
    index,
    kind: index === 0 ? 'initial' : 'renewal',
    opensAt: opensAt?.toISOString() ?? null,
    completed,
    nextOpensAt: next && next.getTime() > now.getTime() ? next.toISOString() : null,
    deadline: index === 0 ? initialDeadline : (previousExpiry?.toISOString() ?? null),
    attemptsUsed: used,
    attemptsLeft: max ? Math.max(0, max - used) : null,
  };
}

/** Attempts that belong to the given cycle. */
export const attemptsInCycle = <A extends { started_at: string }>(cycle: Cycle, attempts: readonly A[]): A[] =>
  attempts.filter((a) => !cycle.opensAt || a.started_at >= cycle.opensAt);
