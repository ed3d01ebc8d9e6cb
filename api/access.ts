/** Who may see whose data. One place, used by every resource that shows a learner's records. */
import { cohortsRepo } from '../db/repos/cohorts.ts';
import type { SessionUser } from './auth/session.ts';
import type { Deps } from './deps.ts';

/** One learner record as far as access goes: the course it belongs to and when it was made. */
export interface LearnerRecord {
  courseId: string;
  /** When the record was made (an attempt's start, a certificate's issue). */
  at: string;
}

/**
 * A learner's own records are theirs; admins see all. An instructor sees a record only when the
 * learner is a member of a (not archived) cohort the instructor owns, the record's course is assigned
 * to that cohort, and the record was made after the learner joined it: joining one instructor's
 * cohort does not open what the learner did in another's (ASVS 5.0 8.2.2, data-specific access).
 */
export async function canSeeLearnerRecord(
  deps: Pick<Deps, 'db'>,
  user: SessionUser,
  learnerId: number,
  record: LearnerRecord,
): Promise<boolean> {
  if (learnerId === user.id || user.role === 'admin') return true;
  if (user.role !== 'instructor') return false;
  return cohortsRepo(deps.db).instructorSeesRecord(user.id, learnerId, record.courseId, record.at);
}

/** Admins see every cohort; an instructor only the cohorts they own. Archived cohorts are nobody's. */
export async function canSeeCohort(deps: Pick<Deps, 'db'>, user: SessionUser, cohortId: number): Promise<boolean> {
  if (user.role === 'admin') return true;
  if (user.role !== 'instructor') return false;
  return cohortsRepo(deps.db).ownsActive(user.id, cohortId);
}
