/** Who may see whose data. One place, used by every resource that shows a learner's records. */
import type { SessionUser } from './auth/session.ts';
import type { Deps } from './deps.ts';

/** A learner's own records are theirs; admins see all; an instructor sees learners in cohorts they own. */
export async function canSeeLearner(deps: Pick<Deps, 'db'>, user: SessionUser, learnerId: number): Promise<boolean> {
  if (learnerId === user.id || user.role === 'admin') return true;
  if (user.role !== 'instructor') return false;
  const row = await deps.db
    .selectFrom('cohort_members')
    .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
    .select('cohorts.id')
    .where('cohort_members.user_id', '=', learnerId)
    .where('cohorts.owner_id', '=', user.id)
    .executeTakeFirst();
  return !!row;
}

/** Admins see every cohort; an instructor only the cohorts they own. */
export async function canSeeCohort(deps: Pick<Deps, 'db'>, user: SessionUser, cohortId: number): Promise<boolean> {
  if (user.role === 'admin') return true;
  if (user.role !== 'instructor') return false;
  const row = await deps.db
    .selectFrom('cohorts')
    .select('id')
    .where('id', '=', cohortId)
    .where('owner_id', '=', user.id)
    .executeTakeFirst();
  return !!row;
}
