import { sql } from 'kysely';
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
  | 'cohort.archived'
  | 'cohort.restored'
  | 'cohort.member_removed'
  | 'cohort.course_unassigned'
  | 'cohort.invitation_accepted'
  | 'enrolment_code.revoked'
  | 'user.name_changed'
  | 'attempt.late_submitted'
  | 'attempt.late_accepted'
  | 'attempt.late_rejected'
  | 'reauth.ok'
  | 'reauth.failed'
  | 'mfa.enabled'
  | 'mfa.disabled'
  | 'lti.login'
  | 'lti.registration_created'
  | 'lti.registration_changed'
  | 'lti.registration_link_created'
  | 'lti.keys_rotated';

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
    /**
     * Erasure: the audit trail keeps what happened to the person but no longer who they were (GDPR
     * art. 17). Their email and recorded names, wherever it was recorded (a failed login records the typed email as its
     * target), becomes `user:<id>`, and the addresses of every row by or about them are removed.
     */
    async scrubPerson(userId: number, email: string) {
      const alias = `user:${userId}`;
      const emails = [...new Set([email, email.toLowerCase()])];
      await db
        .updateTable('audit_log')
        .set({ ip: null })
        .where((eb) => eb.or([eb('actor_id', '=', userId), eb('target', 'in', [...emails, alias])]))
        .execute();
      await db.updateTable('audit_log').set({ target: alias }).where('target', 'in', emails).execute();
      // Name changes recorded the names themselves.
      await db
        .updateTable('audit_log')
        .set({ details: null })
        .where('event', '=', 'user.name_changed')
        .where('target', '=', alias)
        .execute();
      for (const e of emails)
        await db
          .updateTable('audit_log')
          .set({ details: sql<string>`replace(details, ${e}, ${alias})` })
          .where(sql<boolean>`instr(details, ${e}) > 0`)
          .execute();
    },
    recent: (limit = 100) => db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
