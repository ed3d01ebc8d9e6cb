import type { DB } from '../connection.ts';

/** Single-use password reset tokens: only the token's SHA-256 is stored. */
export function passwordResetsRepo(db: DB) {
  return {
    create: (r: { token_hash: string; user_id: number; expires_at: string }) =>
      db
        .insertInto('password_resets')
        .values({ ...r, used_at: null })
        .execute(),
    /** The user of an open token (unknown, used or expired: null), without using it up. */
    async peek(token_hash: string, at: string): Promise<number | null> {
      const row = await db
        .selectFrom('password_resets')
        .select('user_id')
        .where('token_hash', '=', token_hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return row?.user_id ?? null;
    },
    /**
     * Use a token once: marks it used and returns its user, or null when it is unknown, used or
     * expired. The `used_at is null` condition makes a concurrent second use lose.
     */
    async consume(token_hash: string, at: string): Promise<number | null> {
      const row = await db
        .updateTable('password_resets')
        .set({ used_at: at })
        .where('token_hash', '=', token_hash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', at)
        .returning('user_id')
        .executeTakeFirst();
      return row?.user_id ?? null;
    },
    /** Other open tokens of the user stop working once one was used. */
    expireOthers: (user_id: number, at: string) =>
      db
        .updateTable('password_resets')
        .set({ used_at: at })
        .where('user_id', '=', user_id)
        .where('used_at', 'is', null)
        .execute(),
  };
}
