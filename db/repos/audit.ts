import type { DB } from '../connection.ts';

export type AuditEvent =
  | 'login.ok'
  | 'login.failed'
  | 'login.limited'
  | 'logout'
  | 'password.changed'
  | 'password.reset'
  | 'role.changed'
  | 'user.created'
  | 'user.deactivated'
  | 'user.activated'
  | 'enrolment.redeemed'
  | 'certificate.revoked'
  | 'user.erased'
  | 'user.exported'
  | 'backup.downloaded'
  | 'attempt.late_submitted'
  | 'attempt.late_accepted'
  | 'attempt.late_rejected';

export function auditRepo(db: DB) {
  return {
    /** Record a security event. `details` must never hold passwords, tokens or answer keys. */
    record: (e: {
      event: AuditEvent;
      actor_id?: number | null;
      target?: string | null;
      details?: Record<string, unknown>;
      ip?: string | null;
    }) =>
      db
        .insertInto('audit_log')
        .values({
          at: new Date().toISOString(),
          event: e.event,
          actor_id: e.actor_id ?? null,
          target: e.target ?? null,
          details: e.details ? JSON.stringify(e.details) : null,
          ip: e.ip ?? null,
        })
        .execute(),
    recent: (limit = 100) => db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
