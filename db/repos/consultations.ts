/**
 * Consultation requests, their messages and supervisors' scopes (issue #24). Message texts arrive
 * here already encrypted (api/consultation/cipher.ts): this layer never sees plain text.
 */
import type { Kysely } from 'kysely';
import type { ConsultationRating, Database } from '../schema.ts';

type Db = Kysely<Database>;

export interface SupervisorScope {
  psychologist: boolean;
  topics: string[];
  /** Oblast codes, or `ALL`. */
  oblasts: string[];
}

const META = [
  'consultations.id',
  'consultations.requester_id',
  'consultations.topic',
  'consultations.urgency',
  'consultations.oblast',
  'consultations.course_id',
  'consultations.module_id',
  'consultations.wellbeing',
  'consultations.status',
  'consultations.supervisor_id',
  'consultations.created_at',
  'consultations.due_at',
  'consultations.claimed_at',
  'consultations.first_response_at',
  'consultations.closed_at',
  'consultations.rating',
] as const;

export function consultationsRepo(db: Db) {
  return {
    async scope(userId: number): Promise<SupervisorScope | null> {
      const row = await db
        .selectFrom('supervisor_profiles')
        .selectAll()
        .where('user_id', '=', userId)
        .executeTakeFirst();
      if (!row) return null;
      return {
        psychologist: row.psychologist === 1,
        topics: JSON.parse(row.topics) as string[],
        oblasts: JSON.parse(row.oblasts) as string[],
      };
    },
    async setScope(userId: number, scope: SupervisorScope, now: Date) {
      const values = {
        psychologist: scope.psychologist ? 1 : 0,
        topics: JSON.stringify(scope.topics),
        oblasts: JSON.stringify(scope.oblasts),
        updated_at: now.toISOString(),
      };
      await db
        .insertInto('supervisor_profiles')
        .values({ user_id: userId, ...values })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
        .execute();
    },
    /** Active supervisors with their scopes. */
    async supervisors() {
      const rows = await db
        .selectFrom('supervisor_profiles')
        .innerJoin('users', 'users.id', 'supervisor_profiles.user_id')
        .select(['users.id', 'users.email', 'users.full_name', 'users.locale', 'psychologist', 'topics', 'oblasts'])
        .where('users.role', '=', 'supervisor')
        .where('users.active', '=', 1)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        full_name: r.full_name,
        locale: r.locale,
        scope: {
          psychologist: r.psychologist === 1,
          topics: JSON.parse(r.topics) as string[],
          oblasts: JSON.parse(r.oblasts) as string[],
        },
      }));
    },

    async create(
      req: {
        requester_id: number;
        topic: string;
        urgency: 'routine' | 'urgent';
        oblast: string;
        course_id: string | null;
        module_id: string | null;
        wellbeing: boolean;
        due_at: string;
      },
      now: Date,
      firstMessage: (id: number) => { body_enc: string; identifying_confirmed: boolean },
    ) {
      return db.transaction().execute(async (trx) => {
        const at = now.toISOString();
        const { id } = await trx
          .insertInto('consultations')
          .values({ ...req, wellbeing: req.wellbeing ? 1 : 0, status: 'open', created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
        const m = firstMessage(id);
        await trx
          .insertInto('consultation_messages')
          .values({
            consultation_id: id,
            author_id: req.requester_id,
            body_enc: m.body_enc,
            identifying_confirmed: m.identifying_confirmed ? 1 : 0,
            created_at: at,
          })
          .execute();
        return id;
      });
    },
    byId: (id: number) => db.selectFrom('consultations').select(META).where('id', '=', id).executeTakeFirst(),
    messages: (id: number) =>
      db
        .selectFrom('consultation_messages')
        .select(['id', 'author_id', 'body_enc', 'identifying_confirmed', 'created_at'])
        .where('consultation_id', '=', id)
        .orderBy('id')
        .execute(),
    /** Add a message; the first one by a supervisor sets the first-response time. Call inside a transaction. */
    async addMessage(
      c: { id: number; requester_id: number; first_response_at: string | null },
      authorId: number,
      body_enc: string,
      confirmed: boolean,
      now: Date,
    ) {
      const at = now.toISOString();
      const { id } = await db
        .insertInto('consultation_messages')
        .values({
          consultation_id: c.id,
          author_id: authorId,
          body_enc,
          identifying_confirmed: confirmed ? 1 : 0,
          created_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      if (authorId !== c.requester_id && !c.first_response_at)
        await db
          .updateTable('consultations')
          .set({ first_response_at: at })
          .where('id', '=', c.id)
          .where('first_response_at', 'is', null)
          .execute();
      return id;
    },
    /** Claim an open request; false when someone else was first. */
    async claim(id: number, supervisorId: number, now: Date): Promise<boolean> {
      const r = await db
        .updateTable('consultations')
        .set({ status: 'claimed', supervisor_id: supervisorId, claimed_at: now.toISOString() })
        .where('id', '=', id)
        .where('status', '=', 'open')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async release(id: number, supervisorId: number): Promise<boolean> {
      const r = await db
        .updateTable('consultations')
        .set({ status: 'open', supervisor_id: null, claimed_at: null })
        .where('id', '=', id)
        .where('status', '=', 'claimed')
        .where('supervisor_id', '=', supervisorId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async reassign(id: number, to: number, now: Date): Promise<boolean> {
      const r = await db
        .updateTable('consultations')
        .set({ status: 'claimed', supervisor_id: to, claimed_at: now.toISOString() })
        .where('id', '=', id)
        .where('status', '!=', 'closed')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async close(id: number, rating: ConsultationRating, now: Date): Promise<boolean> {
      const r = await db
        .updateTable('consultations')
        .set({ status: 'closed', rating, closed_at: now.toISOString() })
        .where('id', '=', id)
        .where('status', '!=', 'closed')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Delete a thread with its messages (they cascade); its case notes keep no link to it. */
    async remove(id: number) {
      await db.deleteFrom('consultations').where('id', '=', id).execute();
    },
    mine: (userId: number) =>
      db
        .selectFrom('consultations')
        .select(META)
        .where('requester_id', '=', userId)
        .orderBy('created_at', 'desc')
        .execute(),
    /**
     * Closed, non-wellbeing requests the supervisor answered (the ones a case note can be written from),
     * newest first, with whether a note already exists for each.
     */
    answeredBy: (supervisorId: number) =>
      db
        .selectFrom('consultations')
        .select(META)
        .select((eb) =>
          eb
            .selectFrom('case_notes')
            .select(eb.fn.countAll<number>().as('n'))
            .whereRef('case_notes.consultation_id', '=', 'consultations.id')
            .as('notes'),
        )
        .where('supervisor_id', '=', supervisorId)
        .where('status', '=', 'closed')
        .where('wellbeing', '=', 0)
        .orderBy('closed_at', 'desc')
        .limit(100)
        .execute(),
    /** Every request not closed, or closed since `since` (ISO), for the queue and dashboard (scope is checked by the caller). */
    active: (since: string) =>
      db
        .selectFrom('consultations')
        .select(META)
        .where((eb) => eb.or([eb('status', '!=', 'closed'), eb('closed_at', '>=', since)]))
        .orderBy('due_at')
        .execute(),
    /** Requests' existence only (the admin's retention view): no text, no requester. */
    existence: () =>
      db
        .selectFrom('consultations')
        .select(['id', 'wellbeing', 'status', 'created_at', 'closed_at'])
        .orderBy('id', 'desc')
        .limit(1000)
        .execute(),
    /** Closed threads closed before `before` (ISO): the retention job deletes them. */
    async deleteClosedBefore(before: string): Promise<number> {
      const r = await db
        .deleteFrom('consultations')
        .where('status', '=', 'closed')
        .where('closed_at', '<', before)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Erasure: every request the person made goes (messages cascade). */
    async deleteForRequester(userId: number): Promise<number> {
      const r = await db.deleteFrom('consultations').where('requester_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Unanswered past their due time and not yet flagged. */
    overdueUnflagged: (now: Date) =>
      db
        .selectFrom('consultations')
        .select(META)
        .where('status', '!=', 'closed')
        .where('first_response_at', 'is', null)
        .where('due_at', '<', now.toISOString())
        .where('overdue_notified_at', 'is', null)
        .execute(),
    markOverdueNotified: (id: number, now: Date) =>
      db.updateTable('consultations').set({ overdue_notified_at: now.toISOString() }).where('id', '=', id).execute(),
  };
}

export type ConsultationMeta = NonNullable<Awaited<ReturnType<ReturnType<typeof consultationsRepo>['byId']>>>;
