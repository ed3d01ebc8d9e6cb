import type SQLite from 'better-sqlite3';
import type { DB } from '../connection.ts';
import { runCompiled, type GroupCommitter } from '../group-commit.ts';

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
  | 'reauth.ok'
  | 'reauth.failed'
  | 'mfa.enabled'
  | 'mfa.disabled';

export interface AuditEntry {
  event: AuditEvent;
  actor_id?: number | null;
  target?: string | null;
  details?: Record<string, unknown>;
  ip?: string | null;
}

const row = (e: AuditEntry) => ({
  at: new Date().toISOString(),
  event: e.event,
  actor_id: e.actor_id ?? null,
  target: e.target ?? null,
  details: e.details ? JSON.stringify(e.details) : null,
  ip: e.ip ?? null,
});

export function auditRepo(db: DB) {
  return {
    /**
     * Record through the group commit: unauthenticated requests (failed sign-ins) must not each cost an
     * fsync of their own on the event loop.
     */
    recordBatched: (sqlite: SQLite.Database, writer: GroupCommitter, e: AuditEntry) =>
      writer.run(() => runCompiled(sqlite, db.insertInto('audit_log').values(row(e)).compile())),
    /** Delete rows older than `before` (ISO time): the retention period (AUDIT_RETENTION_DAYS). */
    async prune(before: string): Promise<number> {
      const r = await db.deleteFrom('audit_log').where('at', '<', before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Record a security event. `details` must never hold passwords, tokens or answer keys. */
    record: (e: AuditEntry) => db.insertInto('audit_log').values(row(e)).execute(),
    recent: (limit = 100) => db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
