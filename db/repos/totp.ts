import type { DB } from '../connection.ts';

/** The TOTP second factor and its recovery codes (api/auth/totp.ts holds the RFC 6238 arithmetic). */
export function totpRepo(db: DB) {
  return {
    state: (user_id: number) =>
      db.selectFrom('users').select(['totp_secret', 'totp_enabled_at']).where('id', '=', user_id).executeTakeFirst(),
    /** A new secret waiting for its first code (enrolment); refused while one is in use. */
    setPending: (user_id: number, secret: string) =>
      db
        .updateTable('users')
        .set({ totp_secret: secret, totp_last_step: null })
        .where('id', '=', user_id)
        .where('totp_enabled_at', 'is', null)
        .executeTakeFirst(),
    /** Switch the factor on and replace the recovery codes, in one transaction. */
    enable: (user_id: number, at: string, step: number, codeHashes: string[]) =>
      db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ totp_enabled_at: at, totp_last_step: step })
          .where('id', '=', user_id)
          .execute();
        await trx.deleteFrom('recovery_codes').where('user_id', '=', user_id).execute();
        await trx
          .insertInto('recovery_codes')
          .values(codeHashes.map((code_hash) => ({ code_hash, user_id, used_at: null })))
          .execute();
      }),
    disable: (user_id: number) =>
      db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ totp_secret: null, totp_enabled_at: null, totp_last_step: null })
          .where('id', '=', user_id)
          .execute();
        await trx.deleteFrom('recovery_codes').where('user_id', '=', user_id).execute();
      }),
    /** Accept a time step once (RFC 6238 5.2): false when it, or a later one, was already used. */
    async acceptStep(user_id: number, step: number): Promise<boolean> {
      const r = await db
        .updateTable('users')
        .set({ totp_last_step: step })
        .where('id', '=', user_id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Use a recovery code once; false when unknown or used. */
    async useRecoveryCode(user_id: number, code_hash: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('recovery_codes')
        .set({ used_at: at })
        .where('code_hash', '=', code_hash)
        .where('user_id', '=', user_id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
