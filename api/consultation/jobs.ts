/**
 * Background work of consultations (issue #24), as plain functions over the database so tests drive
 * them with a fake clock:
 * - retention: closed threads older than CONSULTATION_RETENTION_DAYS (default 180) are deleted daily;
 * - overdue: an unanswered request past its due time notifies the supervisor holding it (or, when
 *   nobody holds it, every supervisor whose scope covers it), once;
 * - reminders: everyone signed up for a session starting within 24 hours is reminded, once.
 */
import { auditRepo } from '../../db/repos/audit.ts';
import { consultationsRepo } from '../../db/repos/consultations.ts';
import { supervisionRepo } from '../../db/repos/supervision.ts';
import type { Deps } from '../deps.ts';
import { inScope, notify } from './service.ts';

const DAY = 86_400_000;
export const DEFAULT_RETENTION_DAYS = 180;
type JobDeps = Pick<Deps, 'db' | 'now' | 'config' | 'log'>;

/** Delete closed threads closed more than `days` ago; returns how many went. */
export async function purgeClosedConsultations(deps: Pick<Deps, 'db' | 'now'>, days: number): Promise<number> {
  const n = await consultationsRepo(deps.db).deleteClosedBefore(
    new Date(deps.now().getTime() - days * DAY).toISOString(),
  );
  if (n > 0) await auditRepo(deps.db).record({ event: 'consultation.purged', details: { threads: n, days } });
  return n;
}

export async function flagOverdue(deps: JobDeps): Promise<number> {
  const repo = consultationsRepo(deps.db);
  const now = deps.now();
  const rows = await repo.overdueUnflagged(now);
  if (!rows.length) return 0;
  const supervisors = await repo.supervisors();
  for (const r of rows) {
    const to = r.supervisor_id ? [r.supervisor_id] : supervisors.filter((s) => inScope(s.scope, r)).map((s) => s.id);
    await deps.db.transaction().execute(async (trx) => {
      for (const id of to) await notify(deps, trx, id, 'consultation.overdue', { consultation_id: r.id }, `o${r.id}`);
      await consultationsRepo(trx).markOverdueNotified(r.id, now);
    });
  }
  return rows.length;
}

export async function remindSessions(deps: JobDeps): Promise<number> {
  const repo = supervisionRepo(deps.db);
  const now = deps.now();
  const due = await repo.dueReminders(now, 24);
  for (const s of due) {
    await deps.db.transaction().execute(async (trx) => {
      for (const p of await supervisionRepo(trx).signups(s.id))
        await notify(deps, trx, p.id, 'session.reminder', { session_id: s.id }, `s${s.id}`);
      await supervisionRepo(trx).markReminded(s.id, now);
    });
  }
  return due.length;
}

/** Run everything now, then retention daily and the rest every 15 minutes. Returns a stop function. */
export function scheduleConsultationJobs(deps: JobDeps): () => void {
  const days = deps.config.consultationRetentionDays ?? DEFAULT_RETENTION_DAYS;
  const fail = (what: string) => (e: unknown) => deps.log.error(`consultation ${what} failed`, { error: String(e) });
  const retention = () =>
    void purgeClosedConsultations(deps, days).then(
      (n) => n > 0 && deps.log.info('consultations purged', { threads: n, days }),
      fail('retention'),
    );
  const frequent = () => {
    void flagOverdue(deps).catch(fail('overdue check'));
    void remindSessions(deps).catch(fail('session reminders'));
  };
  retention();
  frequent();
  const t1 = setInterval(retention, DAY);
  const t2 = setInterval(frequent, 15 * 60_000);
  t1.unref();
  t2.unref();
  return () => {
    clearInterval(t1);
    clearInterval(t2);
  };
}
