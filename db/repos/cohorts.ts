import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import type { Statement, StatementResult, Storage } from '../storage.ts';
import { onPostgres } from '../portable.ts';
import type { Role } from '../schema.ts';

export interface CohortInput {
  name: string;
  unit: string;
  organisation_id?: number | null;
  starts_on: string | null;
  ends_on: string | null;
}

/** One row of a confirmed CSV import: a new account (with its reset token hash) or an existing learner. */
export type ImportRow =
  | {
      kind: 'new';
      email: string;
      full_name: string;
      role: Role;
      locale: 'uk' | 'en';
      password_hash: string;
      reset_hash: string;
      reset_expires_at: string;
    }
  | { kind: 'existing'; user_id: number }
  /** An existing account imported by an instructor: invited, it joins only when the learner accepts. */
  | { kind: 'invite'; user_id: number; invited_by: number };

/** Codes are identified to instructors by the start of their hash (the code itself is never stored). */
export const codeId = (codeHash: string) => codeHash.slice(0, 16);

export function cohortsRepo(db: DB) {
  return {
    create: (c: CohortInput & { owner_id: number; created_at: string }) =>
      db.insertInto('cohorts').values(c).returningAll().executeTakeFirstOrThrow(),
    /** Whether this instructor owns the cohort and it is not archived. */
    ownsActive: async (ownerId: number, cohortId: number) =>
      !!(await db
        .selectFrom('cohorts')
        .select('id')
        .where('id', '=', cohortId)
        .where('owner_id', '=', ownerId)
        .where('archived_at', 'is', null)
        .executeTakeFirst()),
    /**
     * Whether an instructor may see a learner's record of a course made at `at`: the learner is a
     * member of a cohort the instructor owns (not archived) that has the course assigned, and both the
     * joining and the assignment came before the record (api/access.ts says why).
     */
    instructorSeesRecord: async (instructorId: number, learnerId: number, courseId: string, at: string) =>
      !!(await db
        .selectFrom('cohort_members')
        .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
        .innerJoin('cohort_courses', 'cohort_courses.cohort_id', 'cohorts.id')
        .select('cohorts.id')
        .where('cohort_members.user_id', '=', learnerId)
        .where('cohorts.owner_id', '=', instructorId)
        .where('cohorts.archived_at', 'is', null)
        .where('cohort_courses.course_id', '=', courseId)
        .where('cohort_members.joined_at', '<=', at)
        .where('cohort_courses.assigned_at', '<=', at)
        .executeTakeFirst()),
    /** A cohort that is not archived. */
    byId: (id: number) =>
      db.selectFrom('cohorts').selectAll().where('id', '=', id).where('archived_at', 'is', null).executeTakeFirst(),
    /** A cohort, archived or not (an admin restoring one). */
    byIdWithArchived: (id: number) => db.selectFrom('cohorts').selectAll().where('id', '=', id).executeTakeFirst(),
    update: (id: number, patch: Partial<CohortInput>) =>
      db.updateTable('cohorts').set(patch).where('id', '=', id).execute(),
    /**
     * "Deleting" archives: the cohort disappears from every list and report and its open enrolment
     * codes are revoked, but members, assignments and invitations stay so an admin can restore it.
     */
    archive: (id: number, at: string) =>
      db.transaction().execute(async (trx) => {
        await trx.updateTable('cohorts').set({ archived_at: at }).where('id', '=', id).execute();
        await trx
          .updateTable('enrolment_codes')
          .set({ revoked_at: at })
          .where('cohort_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
      }),
    restore: (id: number) => db.updateTable('cohorts').set({ archived_at: null }).where('id', '=', id).execute(),
    /** Deletes cohorts archived before `before` for good (members, codes, assignments cascade; accounts stay). */
    purgeArchived: async (before: string) =>
      Number((await db.deleteFrom('cohorts').where('archived_at', '<', before).executeTakeFirst()).numDeletedRows ?? 0),

    /** Cohorts with their counts; all of them when `ownerId` is null (admins). */
    list(ownerId: number | null) {
      let q = db
        .selectFrom('cohorts')
        .innerJoin('users as owner', 'owner.id', 'cohorts.owner_id')
        .select([
          'cohorts.id',
          'cohorts.name',
          'cohorts.unit',
          'cohorts.organisation_id',
          'cohorts.starts_on',
          'cohorts.ends_on',
          'cohorts.owner_id',
          'cohorts.created_at',
          'owner.full_name as owner_name',
          sql<number>`(select count(*) from cohort_members m where m.cohort_id = cohorts.id)`.as('members'),
          sql<number>`(select count(*) from cohort_courses cc where cc.cohort_id = cohorts.id)`.as('courses'),
          sql<number>`(select count(distinct c.user_id || ':' || c.course_id) from completions c join cohort_members m on m.user_id = c.user_id join cohort_courses cc on cc.cohort_id = m.cohort_id and cc.course_id = c.course_id where m.cohort_id = cohorts.id)`.as(
            'completions',
          ),
        ])
        .where('cohorts.archived_at', 'is', null)
        .orderBy('cohorts.created_at', 'desc')
        .orderBy('cohorts.id', 'desc');
      if (ownerId !== null) q = q.where('cohorts.owner_id', '=', ownerId);
      return q.execute();
    },

    courses: (cohortId: number) =>
      db
        .selectFrom('cohort_courses')
        .select(['course_id', 'due_on', 'assigned_at'])
        .where('cohort_id', '=', cohortId)
        .orderBy('course_id')
        .execute(),
    /** Assign a course (or change its due date: the assignment keeps the time it was first made). */
    assignCourse: (cohortId: number, courseId: string, dueOn: string | null, at: string) =>
      db
        .insertInto('cohort_courses')
        .values({ cohort_id: cohortId, course_id: courseId, due_on: dueOn, assigned_at: at })
        .onConflict((oc) => oc.columns(['cohort_id', 'course_id']).doUpdateSet({ due_on: dueOn }))
        .execute(),
    unassignCourse: async (cohortId: number, courseId: string) =>
      Number(
        (
          await db
            .deleteFrom('cohort_courses')
            .where('cohort_id', '=', cohortId)
            .where('course_id', '=', courseId)
            .executeTakeFirst()
        ).numDeletedRows,
      ),

    codes: async (cohortId: number) =>
      (
        await db
          .selectFrom('enrolment_codes')
          .selectAll()
          .where('cohort_id', '=', cohortId)
          .orderBy('created_at', 'desc')
          .execute()
      ).map(({ code_hash, ...c }) => ({ id: codeId(code_hash), ...c })),
    createCode: (c: {
      code_hash: string;
      hint: string;
      cohort_id: number;
      role: Role;
      expires_at: string | null;
      max_seats: number | null;
      created_at: string;
    }) => db.insertInto('enrolment_codes').values(c).execute(),
    /** Revoke by the code's id; returns false when the cohort has no such code. */
    async revokeCode(cohortId: number, id: string, at: string): Promise<boolean> {
      const r = await db
        .updateTable('enrolment_codes')
        .set({ revoked_at: sql<string>`coalesce(revoked_at, ${at})` })
        .where('cohort_id', '=', cohortId)
        .where(sql`substr(code_hash, 1, 16)`, '=', id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },

    members: (cohortId: number) =>
      db
        .selectFrom('cohort_members')
        .innerJoin('users', 'users.id', 'cohort_members.user_id')
        .select([
          'users.id',
          'users.full_name',
          'users.email',
          'users.role',
          'users.active',
          'cohort_members.joined_at',
        ])
        .where('cohort_members.cohort_id', '=', cohortId)
        .orderBy('users.full_name')
        .execute(),
    removeMember: async (cohortId: number, userId: number) =>
      Number(
        (
          await db
            .deleteFrom('cohort_members')
            .where('cohort_id', '=', cohortId)
            .where('user_id', '=', userId)
            .executeTakeFirst()
        ).numDeletedRows,
      ) > 0,

    /** Accounts for these emails, looked up in chunks (SQLite limits bound parameters). */
    async usersByEmail(cohortId: number, emails: string[]) {
      const out = new Map<string, { id: number; role: Role; active: number; in_cohort: boolean }>();
      for (let i = 0; i < emails.length; i += 500) {
        const rows = await db
          .selectFrom('users')
          .leftJoin('cohort_members', (j) =>
            j.onRef('cohort_members.user_id', '=', 'users.id').on('cohort_members.cohort_id', '=', cohortId),
          )
          .select(['users.id', 'users.email', 'users.role', 'users.active', 'cohort_members.cohort_id'])
          .where('users.email', 'in', emails.slice(i, i + 500))
          .execute();
        for (const r of rows)
          out.set(r.email, { id: r.id, role: r.role, active: r.active, in_cohort: r.cohort_id !== null });
      }
      return out;
    },

    /**
     * Write a confirmed import: every row in one durable transaction (a job of the group committer,
     * which rolls the job back as a whole if any statement fails), so nothing is half-imported.
     */
    importMembers(
      storage: Pick<Storage, 'write'>,
      cohortId: number,
      rows: ImportRow[],
      at: string,
    ): Promise<{ created: number; added: number; invited: number }> {
      if (onPostgres(db)) return storage.write(importBatched(db, cohortId, rows, at));
      return storage.write(function* () {
        let created = 0;
        let added = 0;
        let invited = 0;
        for (const r of rows) {
          if (r.kind === 'invite') {
            // Invited once per cohort; a repeated import leaves the open invitation as it is.
            yield db
              .insertInto('cohort_invitations')
              .values({ cohort_id: cohortId, user_id: r.user_id, invited_by: r.invited_by, created_at: at })
              .onConflict((oc) => oc.doNothing());
            invited++;
            continue;
          }
          let userId: number;
          if (r.kind === 'new') {
            const res = yield db
              .insertInto('users')
              .values({
                email: r.email,
                full_name: r.full_name,
                role: r.role,
                password_hash: r.password_hash,
                locale: r.locale,
                created_at: at,
              })
              .returning('id');
            userId = Number(res.rows[0]!.id);
            yield db
              .insertInto('password_resets')
              .values({ token_hash: r.reset_hash, user_id: userId, expires_at: r.reset_expires_at, used_at: null });
            created++;
          } else userId = r.user_id;
          yield db.insertInto('cohort_members').values({ cohort_id: cohortId, user_id: userId, joined_at: at });
          added++;
        }
        return { created, added, invited };
      });
    },

    /** Open invitations of a learner, to cohorts that are not archived. */
    invitationsFor: (userId: number) =>
      db
        .selectFrom('cohort_invitations')
        .innerJoin('cohorts', 'cohorts.id', 'cohort_invitations.cohort_id')
        .innerJoin('users as owner', 'owner.id', 'cohorts.owner_id')
        .select([
          'cohort_invitations.id',
          'cohort_invitations.created_at',
          'cohorts.id as cohort_id',
          'cohorts.name as cohort_name',
          'cohorts.unit',
          'owner.full_name as instructor',
        ])
        .where('cohort_invitations.user_id', '=', userId)
        .where('cohort_invitations.accepted_at', 'is', null)
        .where('cohorts.archived_at', 'is', null)
        .orderBy('cohort_invitations.id')
        .execute(),
    /**
     * The learner accepts their own invitation: they join the cohort now (visibility starts here).
     * Returns the cohort id, or null when the invitation is not theirs, not open, or its cohort archived.
     */
    acceptInvitation: (userId: number, invitationId: number, at: string) =>
      db.transaction().execute(async (trx) => {
        const inv = await trx
          .selectFrom('cohort_invitations')
          .innerJoin('cohorts', 'cohorts.id', 'cohort_invitations.cohort_id')
          .select(['cohort_invitations.cohort_id'])
          .where('cohort_invitations.id', '=', invitationId)
          .where('cohort_invitations.user_id', '=', userId)
          .where('cohort_invitations.accepted_at', 'is', null)
          .where('cohorts.archived_at', 'is', null)
          .executeTakeFirst();
        if (!inv) return null;
        await trx.updateTable('cohort_invitations').set({ accepted_at: at }).where('id', '=', invitationId).execute();
        await trx
          .insertInto('cohort_members')
          .values({ cohort_id: inv.cohort_id, user_id: userId, joined_at: at })
          .onConflict((oc) => oc.doNothing())
          .execute();
        return inv.cohort_id;
      }),
  };
}

/** Rows per statement in a batched import (6 parameters a user: far under PostgreSQL's 65,535). */
const IMPORT_CHUNK = 1000;

/**
 * The import as a few multi-row statements (PostgreSQL, where every statement is a round trip: 10,000
 * rows one by one would be 30,000 of them). The same rows and the same all-or-nothing transaction as
 * the row-by-row job SQLite runs inside its group commit.
 */
function importBatched(db: DB, cohortId: number, rows: ImportRow[], at: string) {
  return function* (): Generator<Statement, { created: number; added: number; invited: number }, StatementResult> {
    const invites = rows.filter((r) => r.kind === 'invite');
    const fresh = rows.filter((r) => r.kind === 'new');
    const members: number[] = rows.flatMap((r) => (r.kind === 'existing' ? [r.user_id] : []));
    for (let i = 0; i < invites.length; i += IMPORT_CHUNK)
      yield db
        .insertInto('cohort_invitations')
        .values(
          invites
            .slice(i, i + IMPORT_CHUNK)
            .map((r) => ({ cohort_id: cohortId, user_id: r.user_id, invited_by: r.invited_by, created_at: at })),
        )
        .onConflict((oc) => oc.doNothing());
    for (let i = 0; i < fresh.length; i += IMPORT_CHUNK) {
      const chunk = fresh.slice(i, i + IMPORT_CHUNK);
      const made = yield db
        .insertInto('users')
        .values(
          chunk.map((r) => ({
            email: r.email,
            full_name: r.full_name,
            role: r.role,
            password_hash: r.password_hash,
            locale: r.locale,
            created_at: at,
          })),
        )
        .returning(['id', 'email']);
      const ids = new Map(made.rows.map((u) => [u.email as string, Number(u.id)]));
      yield db.insertInto('password_resets').values(
        chunk.map((r) => ({
          token_hash: r.reset_hash,
          user_id: ids.get(r.email)!,
          expires_at: r.reset_expires_at,
          used_at: null,
        })),
      );
      for (const r of chunk) members.push(ids.get(r.email)!);
    }
    for (let i = 0; i < members.length; i += IMPORT_CHUNK)
      yield db
        .insertInto('cohort_members')
        .values(members.slice(i, i + IMPORT_CHUNK).map((user_id) => ({ cohort_id: cohortId, user_id, joined_at: at })));
    return { created: fresh.length, added: members.length, invited: invites.length };
  };
}
