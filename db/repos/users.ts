import type { DB } from '../connection.ts';
import type { NewUser, Role, User } from '../schema.ts';

export function usersRepo(db: DB) {
  return {
    byId: (id: number) => db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst(),
    byEmail: (email: string) =>
      db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst(),
    async create(user: Omit<NewUser, 'created_at'> & { created_at?: string }): Promise<User> {
      return db
        .insertInto('users')
        .values({
          ...user,
          email: user.email.trim().toLowerCase(),
          created_at: user.created_at ?? new Date().toISOString(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    setPassword: (id: number, password_hash: string) =>
      db.updateTable('users').set({ password_hash }).where('id', '=', id).execute(),
    rename: (id: number, full_name: string) =>
      db.updateTable('users').set({ full_name }).where('id', '=', id).execute(),
    /** The language the user reads in (what their certificates and emails are written in). */
    locale: async (id: number): Promise<'uk' | 'en'> =>
      (await db.selectFrom('users').select('locale').where('id', '=', id).executeTakeFirst())?.locale === 'en'
        ? 'en'
        : 'uk',
    setRole: (id: number, role: Role) => db.updateTable('users').set({ role }).where('id', '=', id).execute(),
    setActive: (id: number, active: boolean) =>
      db
        .updateTable('users')
        .set({ active: active ? 1 : 0 })
        .where('id', '=', id)
        .execute(),
    /** Admin listing with an optional search over name and email. */
    list(opts: { q?: string; role?: Role; limit: number; offset: number }) {
      let query = db.selectFrom('users').select(['id', 'email', 'full_name', 'role', 'locale', 'active', 'created_at']);
      if (opts.q) {
        const like = `%${opts.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
        query = query.where((eb) => eb.or([eb('email', 'like', like), eb('full_name', 'like', like)]));
      }
      if (opts.role) query = query.where('role', '=', opts.role);
      return query.orderBy('id').limit(opts.limit).offset(opts.offset).execute();
    },
  };
}
