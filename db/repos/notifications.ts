/** In-app notifications (the header bell). Rows carry a kind and the record it points at, never text. */
import type { Kysely } from 'kysely';
import type { Database, NotificationsTable } from '../schema.ts';

export type NotificationKind = NotificationsTable['kind'];

export function notificationsRepo(db: Kysely<Database>) {
  return {
    add: (
      userId: number,
      kind: NotificationKind,
      refs: { consultation_id?: number; session_id?: number; case_note_id?: number },
      now: Date,
    ) =>
      db
        .insertInto('notifications')
        .values({
          user_id: userId,
          kind,
          consultation_id: refs.consultation_id ?? null,
          session_id: refs.session_id ?? null,
          case_note_id: refs.case_note_id ?? null,
          created_at: now.toISOString(),
        })
        .execute(),
    list: (userId: number) =>
      db
        .selectFrom('notifications')
        .select(['id', 'kind', 'consultation_id', 'session_id', 'case_note_id', 'created_at', 'read_at'])
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .limit(50)
        .execute(),
    async unread(userId: number): Promise<number> {
      const r = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** Mark one (or, without an id, all) of the user's notifications read. */
    async markRead(userId: number, now: Date, id?: number): Promise<number> {
      let q = db
        .updateTable('notifications')
        .set({ read_at: now.toISOString() })
        .where('user_id', '=', userId)
        .where('read_at', 'is', null);
      if (id !== undefined) q = q.where('id', '=', id);
      return Number((await q.executeTakeFirst()).numUpdatedRows);
    },
  };
}
