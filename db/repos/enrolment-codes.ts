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
    /**
     * Redeem a code for a new account in one transaction: the code is checked again (what decides),
     * the email must be free, then the account, its cohort membership, the seat and the audit entry are
     * written together. Undefined when the code is not usable or the email is taken (one answer for
     * both: the caller must not reveal which).
     */
    redeem: (r: {
      code_hash: string;
      at: string;
      ip: string | null;
      user: { email: string; full_name: string; password_hash: string; locale: 'uk' | 'en' };
    }) =>
      db.transaction().execute(async (trx) => {
        const code = await enrolmentCodesRepo(trx).usable(r.code_hash, r.at);
        if (!code) return undefined;
        const exists = await trx.selectFrom('users').select('id').where('email', '=', r.user.email).executeTakeFirst();
        if (exists) return undefined;
        const created = await trx
          .insertInto('users')
          .values({ ...r.user, role: code.role, created_at: r.at })
          .returning(['id', 'email', 'full_name', 'role', 'locale'])
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('cohort_members')
          .values({ cohort_id: code.cohort_id, user_id: created.id, joined_at: r.at })
          .execute();
        await trx
          .updateTable('enrolment_codes')
          .set((eb) => ({ used_seats: eb('used_seats', '+', 1) }))
          .where('code_hash', '=', code.code_hash)
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            at: r.at,
            actor_id: created.id,
            event: 'enrolment.redeemed',
            target: `cohort:${code.cohort_id}`,
            details: null,
            ip: r.ip,
          })
          .execute();
        return created;
      }),
  };
}
