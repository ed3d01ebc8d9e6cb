import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import type { Storage } from '../storage.ts';
import { containsText, replaceText } from '../portable.ts';

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
  | 'organisation.created'
  | 'organisation.changed'
  | 'organisation.deleted'
  | 'coordinator.scopes_changed'
  /** Consultations (issue #24): details never hold text, topic of a wellbeing thread or the requester; the target is `consultation:<id>`. */
  | 'consultation.read'
  | 'consultation.reassigned'
  | 'consultation.deleted'
  | 'consultation.purged'
  | 'supervisor.scope_changed'
  | 'case_note.published'
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
    recordBatched: (storage: Pick<Storage, 'write'>, e: AuditEntry) =>
      storage.write(function* () {
        yield db.insertInto('audit_log').values(row(e));
      }),
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
          .set({ details: replaceText(sql.ref('details'), e, alias, db) })
          .where(containsText(sql.ref('details'), e, db))
          .execute();
    },
    recent: (limit = 100) => db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).execute(),
  };
}
