/** What the daily reminder job (api/email/reminders.ts) needs to find: certificates about to expire. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export function remindersRepo(db: Kysely<Database>) {
  return {
    /**
     * Valid certificates (not revoked, not replaced by a renewal) expiring after `from` and at or before
     * `to`, of active accounts that were not erased.
     */
    certificatesExpiring(from: Date, to: Date) {
      return db
        .selectFrom('certificates')
        .innerJoin('users', 'users.id', 'certificates.user_id')
        .select([
          'certificates.code',
          'certificates.course_id',
          'certificates.expires_at',
          'users.id as userId',
          'users.email',
          'users.locale',
        ])
        .where('certificates.expires_at', '>', from.toISOString())
        .where('certificates.expires_at', '<=', to.toISOString())
        .where('certificates.revoked_at', 'is', null)
        .where('certificates.superseded_by', 'is', null)
        .where('users.active', '=', 1)
        .where('users.erased_at', 'is', null)
        .execute();
    },
  };
}
