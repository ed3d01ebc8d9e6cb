/**
 * Audit log retention (ASVS 5.0 16.2.x; GDPR art. 5(1)(e) storage limitation): rows older than
 * AUDIT_RETENTION_DAYS (default 365) are deleted at start and once a day after.
 */
import { auditRepo } from '../db/repos/audit.ts';
import type { Deps } from './deps.ts';

const DAY = 24 * 60 * 60 * 1000;

/** Delete audit rows older than `days` days; returns how many went. */
export function pruneAuditLog(deps: Pick<Deps, 'db' | 'now'>, days: number): Promise<number> {
  return auditRepo(deps.db).prune(new Date(deps.now().getTime() - days * DAY).toISOString());
}

/** Prune now and every 24 h; the timer does not keep the process alive. Returns a stop function. */
export function scheduleAuditPrune(deps: Pick<Deps, 'db' | 'now' | 'log'>, days: number): () => void {
  const run = () =>
    pruneAuditLog(deps, days).then(
      (n) => n > 0 && deps.log.info('audit log pruned', { rows: n, days }),
      (e: unknown) => deps.log.error('audit log prune failed', { error: String(e) }),
    );
  void run();
  const timer = setInterval(() => void run(), DAY);
  timer.unref();
  return () => clearInterval(timer);
}
