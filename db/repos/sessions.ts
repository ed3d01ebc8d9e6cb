import type { DB } from '../connection.ts';

/** The session with its user: one query, used asynchronously (Kysely) and synchronously (`sessionLookup`). */
export const withUserQuery = (db: DB, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as session_id',
      'sessions.expires_at',
      'sessions.created_at as session_created_at',
      'users.id',
      'users.email',
      'users.full_name',
      'users.role',
      'users.locale',
      'users.active',
      'users.totp_enabled_at',
    ])
    .where('sessions.id', '=', id);

export type SessionWithUser = NonNullable<Awaited<ReturnType<ReturnType<typeof withUserQuery>['executeTakeFirst']>>>;

export function sessionsRepo(db: DB) {
  return {
    create: (s: { id: string; user_id: number; expires_at: string; created_at: string }) =>
      db
        .insertInto('sessions')
        .values({ ...s, reauth_at: s.created_at })
        .execute(),
    /** When the session last proved its password, or undefined when there is no such session. */
    reauthAt: async (id: string) =>
      (await db.selectFrom('sessions').select('reauth_at').where('id', '=', id).executeTakeFirst())?.reauth_at,
    markReauth: (id: string, at: string) =>
      db.updateTable('sessions').set({ reauth_at: at }).where('id', '=', id).execute(),
    /** The session with its user, or undefined. */
    withUser: (id: string) => withUserQuery(db, id).executeTakeFirst(),
    extend: (id: string, expires_at: string) =>
      db.updateTable('sessions').set({ expires_at }).where('id', '=', id).execute(),
    delete: (id: string) => db.deleteFrom('sessions').where('id', '=', id).execute(),
    /** Invalidate every session of a user, optionally keeping one (the one changing the password). */
    deleteForUser: (user_id: number, except?: string) => {
      let q = db.deleteFrom('sessions').where('user_id', '=', user_id);
      if (except) q = q.where('id', '!=', except);
      return q.execute();
    },
    deleteExpired: (now: string) => db.deleteFrom('sessions').where('expires_at', '<=', now).execute(),
  };
}
