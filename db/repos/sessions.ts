import type { DB } from '../connection.ts';

export function sessionsRepo(db: DB) {
  return {
    create: (s: { id: string; user_id: number; expires_at: string; created_at: string }) => db.insertInto('sessions').values(s).execute(),
    /** The session with its user, or undefined. */
    withUser: (id: string) =>
      db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select([
          'sessions.id as session_id',
          'sessions.expires_at',
          'users.id',
          'users.email',
          'users.full_name',
          'users.role',
          'users.locale',
          'users.active',
        ])
        .where('sessions.id', '=', id)
        .executeTakeFirst(),
    extend: (id: string, expires_at: string) => db.updateTable('sessions').set({ expires_at }).where('id', '=', id).execute(),
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
