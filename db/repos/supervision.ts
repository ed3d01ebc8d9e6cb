/** Group supervision sessions, sign-ups and attendance (issue #24). */
import type { Kysely } from 'kysely';
import type { Insertable } from 'kysely';
import type { Database, SupervisionSessionsTable } from '../schema.ts';

export function supervisionRepo(db: Kysely<Database>) {
  const withCounts = () =>
    db
      .selectFrom('supervision_sessions as s')
      .select([
        's.id',
        's.supervisor_id',
        's.title',
        's.starts_at',
        's.duration_minutes',
        's.format',
        's.place',
        's.capacity',
        's.oblast',
        's.cancelled_at',
      ])
      .select((eb) =>
        eb
          .selectFrom('supervision_signups')
          .select(eb.fn.countAll<number>().as('n'))
          .whereRef('supervision_signups.session_id', '=', 's.id')
          .as('signed_up'),
      );
  return {
    create: (s: Omit<Insertable<SupervisionSessionsTable>, 'id'>) =>
      db.insertInto('supervision_sessions').values(s).returning('id').executeTakeFirstOrThrow(),
    byId: (id: number) => withCounts().where('s.id', '=', id).executeTakeFirst(),
    upcoming: (from: string) =>
      withCounts()
        .where('s.starts_at', '>=', from)
        .where('s.cancelled_at', 'is', null)
        .orderBy('s.starts_at')
        .execute(),
    bySupervisor: (userId: number) =>
      withCounts().where('s.supervisor_id', '=', userId).orderBy('s.starts_at', 'desc').limit(200).execute(),
    /**
     * Sign up while there is room, in one transaction: the count and the insert see the same state
     * (SQLite serialises writers; on PostgreSQL the session row is locked first).
     */
    signUp: (sessionId: number, userId: number, now: Date) =>
      db.transaction().execute(async (trx) => {
        const s = await trx
          .selectFrom('supervision_sessions')
          .select(['capacity'])
          .where('id', '=', sessionId)
          .executeTakeFirst();
        if (!s) return 'missing' as const;
        // A no-op update locks the session's row (a portable "for update"): concurrent sign-ups queue here.
        await trx
          .updateTable('supervision_sessions')
          .set({ capacity: s.capacity })
          .where('id', '=', sessionId)
          .execute();
        const already = await trx
          .selectFrom('supervision_signups')
          .select('user_id')
          .where('session_id', '=', sessionId)
          .where('user_id', '=', userId)
          .executeTakeFirst();
        if (already) return 'already' as const;
        const { n } = await trx
          .selectFrom('supervision_signups')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('session_id', '=', sessionId)
          .executeTakeFirstOrThrow();
        if (Number(n) >= s.capacity) return 'full' as const;
        await trx
          .insertInto('supervision_signups')
          .values({ session_id: sessionId, user_id: userId, created_at: now.toISOString(), attended: null })
          .execute();
        return 'ok' as const;
      }),
    async cancel(sessionId: number, userId: number): Promise<boolean> {
      const r = await db
        .deleteFrom('supervision_signups')
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    /**
     * Cancel a session its supervisor leads, before it starts, and `tell` the people signed up in the
     * same transaction (nothing cancelled without them being told): their ids, or null when there is
     * nothing to cancel (not theirs, started, or cancelled already).
     */
    cancelSession: (
      sessionId: number,
      supervisorId: number,
      now: Date,
      tell: (trx: Kysely<Database>, userIds: number[]) => Promise<void>,
    ) =>
      db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('supervision_sessions')
          .set({ cancelled_at: now.toISOString() })
          .where('id', '=', sessionId)
          .where('supervisor_id', '=', supervisorId)
          .where('cancelled_at', 'is', null)
          .where('starts_at', '>', now.toISOString())
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return null;
        const people = await trx
          .selectFrom('supervision_signups')
          .select('user_id')
          .where('session_id', '=', sessionId)
          .execute();
        const ids = people.map((p) => p.user_id);
        await tell(trx, ids);
        return ids;
      }),
    signups: (sessionId: number) =>
      db
        .selectFrom('supervision_signups')
        .innerJoin('users', 'users.id', 'supervision_signups.user_id')
        .select(['users.id', 'users.full_name', 'supervision_signups.attended', 'supervision_signups.created_at'])
        .where('session_id', '=', sessionId)
        .orderBy('users.full_name')
        .execute(),
    async setAttendance(sessionId: number, userId: number, attended: boolean): Promise<boolean> {
      const r = await db
        .updateTable('supervision_signups')
        .set({ attended: attended ? 1 : 0 })
        .where('session_id', '=', sessionId)
        .where('user_id', '=', userId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    mySignups: (userId: number) =>
      db
        .selectFrom('supervision_signups')
        .innerJoin('supervision_sessions as s', 's.id', 'supervision_signups.session_id')
        .select([
          's.id',
          's.title',
          's.starts_at',
          's.duration_minutes',
          's.format',
          's.place',
          's.oblast',
          's.cancelled_at',
          'supervision_signups.attended',
        ])
        .where('supervision_signups.user_id', '=', userId)
        .orderBy('s.starts_at', 'desc')
        .execute(),
    /** Professional development: attended sessions and their hours. */
    async hours(userId: number) {
      const rows = await db
        .selectFrom('supervision_signups')
        .innerJoin('supervision_sessions as s', 's.id', 'supervision_signups.session_id')
        .select(['s.duration_minutes'])
        .where('supervision_signups.user_id', '=', userId)
        .where('supervision_signups.attended', '=', 1)
        .execute();
      return {
        sessions: rows.length,
        hours: Math.round((rows.reduce((a, r) => a + r.duration_minutes, 0) / 60) * 10) / 10,
      };
    },
    /**
     * Attended sessions per oblast (ISO code; no names): attendances, hours, distinct people, and for
     * each supervisor who led sessions there, the distinct people of the oblast's other sessions (what
     * that supervisor could work out by subtracting their own from the oblast's figure).
     */
    async hoursByOblast() {
      const rows = await db
        .selectFrom('supervision_signups')
        .innerJoin('supervision_sessions as s', 's.id', 'supervision_signups.session_id')
        .select(['s.oblast', 's.duration_minutes', 's.supervisor_id', 'supervision_signups.user_id'])
        .where('supervision_signups.attended', '=', 1)
        .execute();
      const by = new Map<string, { attendances: number; minutes: number; people: Map<number, Set<number | null>> }>();
      for (const r of rows) {
        const v = by.get(r.oblast) ?? { attendances: 0, minutes: 0, people: new Map<number, Set<number | null>>() };
        v.attendances++;
        v.minutes += r.duration_minutes;
        // Each person with the supervisors who led the sessions they attended here (null: an erased account).
        v.people.set(r.user_id, (v.people.get(r.user_id) ?? new Set<number | null>()).add(r.supervisor_id));
        by.set(r.oblast, v);
      }
      return [...by].map(([oblast, v]) => {
        // What a lead's subtraction leaves: everyone but the people who attended only that lead's sessions.
        const onlyBy = new Map<number, number>();
        const leads = new Set<number>();
        for (const l of v.people.values()) {
          for (const x of l) if (x !== null) leads.add(x);
          const [sole] = l;
          if (l.size === 1 && sole !== null && sole !== undefined) onlyBy.set(sole, (onlyBy.get(sole) ?? 0) + 1);
        }
        return {
          oblast,
          attendances: v.attendances,
          people: v.people.size,
          peopleWithoutEachLead: [...leads].map((lead) => v.people.size - (onlyBy.get(lead) ?? 0)),
          hours: Math.round((v.minutes / 60) * 10) / 10,
        };
      });
    },
    /** Sessions starting within the next `hours` that have not had their reminder. */
    dueReminders: (now: Date, hours: number) =>
      db
        .selectFrom('supervision_sessions')
        .select(['id'])
        .where('cancelled_at', 'is', null)
        .where('reminder_sent_at', 'is', null)
        .where('starts_at', '>', now.toISOString())
        .where('starts_at', '<=', new Date(now.getTime() + hours * 3_600_000).toISOString())
        .execute(),
    markReminded: (id: number, now: Date) =>
      db
        .updateTable('supervision_sessions')
        .set({ reminder_sent_at: now.toISOString() })
        .where('id', '=', id)
        .execute(),
  };
}
