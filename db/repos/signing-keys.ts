/** Signing keys shared by every instance on one database (table `signing_keys`). */
import type { DB } from '../connection.ts';

export function signingKeysRepo(db: DB) {
  return {
    /** The key for `purpose`, or undefined. */
    async get(purpose: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('signing_keys')
        .select('private_key')
        .where('purpose', '=', purpose)
        .executeTakeFirst();
      return row?.private_key;
    },
    /**
     * Store `pem` unless a key for `purpose` exists, then return the stored one: two instances starting
     * together both end up with the first one's key.
     */
    async putIfAbsent(purpose: string, pem: string, now: string): Promise<string> {
      await db
        .insertInto('signing_keys')
        .values({ purpose, private_key: pem, created_at: now })
        .onConflict((oc) => oc.column('purpose').doNothing())
        .execute();
      return (await this.get(purpose))!;
    },
  };
}
