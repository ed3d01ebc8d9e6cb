/**
 * What the learner's progress means for the LMS, in neutral terms. The same rules as the platform's
 * `courses/completion.ts`: a course is finished when every module is complete and, when it has a
 * final assessment, an attempt has been made; it is passed when an attempt reached the pass mark.
 */
import type { Progress } from './suspend-data.ts';

export interface CourseFacts {
  /** Module ids in study order. */
  modules: string[];
  hasAssessment: boolean;
  /** Pass mark 0–100 (the manifest's mastery score). */
  passMark: number;
}

export interface CourseStatus {
  completion: 'completed' | 'incomplete';
  success: 'passed' | 'failed' | 'unknown';
  /** 0..1: share of modules (and the assessment, when there is one) done. */
  progress: number;
  /** The score to report (the best attempt), 0–100, or null before the first attempt. */
  score: number | null;
}

export function courseStatus(facts: CourseFacts, p: Progress): CourseStatus {
  const modulesDone = facts.modules.every((_, i) => p.done.includes(i));
  const parts = facts.modules.length + (facts.hasAssessment ? 1 : 0);
  const doneParts =
    p.done.filter((i) => i < facts.modules.length).length + (facts.hasAssessment && p.attempts > 0 ? 1 : 0);
  const finished = modulesDone && (!facts.hasAssessment || p.attempts > 0);
  return {
    completion: finished ? 'completed' : 'incomplete',
    success: !facts.hasAssessment || p.attempts === 0 ? 'unknown' : p.passed ? 'passed' : 'failed',
    progress: finished ? 1 : Math.floor((doneParts / parts) * 100) / 100,
    score: facts.hasAssessment ? p.best : null,
  };
}
