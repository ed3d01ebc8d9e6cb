import type { DB } from '../connection.ts';

/** Enrolment codes as a learner redeems them (instructors manage them through `cohortsRepo`). */
export function enrolmentCodesRepo(db: DB) {
  return {
    /** The code when it can be redeemed at `at` (known, not revoked, not expired, seats left), else undefined. */
    async usable(code_hash: string, at: string) {
      const code = await db
        .selectFrom('enrolment_codes')
        .selectAll()
        .where('code_hash', '=', code_hash)
        .executeTakeFirst();
      if (!code || code.revoked_at || (code.expires_at && code.expires_at <= at)) return undefined;
      if (code.max_seats !== null && code.used_seats >= code.max_seats) return undefined;
      return code;
    },
  };
}
