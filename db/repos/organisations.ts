/** Organisations (a university, police unit, children's service, school or NGO in one oblast) and coordinators' scopes. */
import { sql } from 'kysely';
import type { DB } from '../connection.ts';
import type { Organisation, OrganisationKind } from '../schema.ts';

export interface OrganisationInput {
  kind: OrganisationKind;
  name_uk: string;
  name_en: string;
  oblast_code: string;
}

/** The scope value meaning "every oblast". */
export const NATIONAL = 'national';

export function organisationsRepo(db: DB) {
  return {
    /** Every organisation with how many (not archived) cohorts belong to it, by oblast then name. */
    list: (oblasts?: readonly string[]) => {
      let q = db
        .selectFrom('organisations')
        .select([
          'organisations.id',
          'organisations.kind',
          'organisations.name_uk',
          'organisations.name_en',
          'organisations.oblast_code',
          'organisations.created_at',
          sql<number>`(select count(*) from cohorts c where c.organisation_id = organisations.id and c.archived_at is null)`.as(
            'cohorts',
          ),
        ]);
      if (oblasts) q = q.where('organisations.oblast_code', 'in', oblasts.length ? [...oblasts] : ['--']);
      return q.orderBy('organisations.oblast_code').orderBy('organisations.name_uk').execute();
    },
    byId: (id: number): Promise<Organisation | undefined> =>
      db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Null when an organisation of that name already exists in the oblast. */
    async create(input: OrganisationInput, now: string): Promise<Organisation | null> {
      const row = await db
        .insertInto('organisations')
        .values({ ...input, created_at: now })
        .onConflict((oc) => oc.columns(['oblast_code', 'name_uk']).doNothing())
        .returningAll()
        .executeTakeFirst();
      return row ?? null;
    },
    /** False when the new name clashes with another organisation in the oblast. */
    async update(id: number, patch: Partial<OrganisationInput>): Promise<boolean> {
      const current = await db.selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!current) return false;
      const next = { ...current, ...patch };
      const clash = await db
        .selectFrom('organisations')
        .select('id')
        .where('oblast_code', '=', next.oblast_code)
        .where('name_uk', '=', next.name_uk)
        .where('id', '!=', id)
        .executeTakeFirst();
      if (clash) return false;
      await db.updateTable('organisations').set(patch).where('id', '=', id).execute();
      return true;
    },
    /** Cohorts (archived included) that belong to the organisation. */
    cohortCount: async (id: number) =>
      Number(
        (
          await db
            .selectFrom('cohorts')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('organisation_id', '=', id)
            .executeTakeFirstOrThrow()
        ).n,
      ),
    remove: async (id: number) =>
      Number((await db.deleteFrom('organisations').where('id', '=', id).executeTakeFirst()).numDeletedRows ?? 0) > 0,

    /** A coordinator's scopes: oblast codes and/or `national`. */
    scopes: async (userId: number) =>
      (
        await db
          .selectFrom('coordinator_scopes')
          .select('scope')
          .where('user_id', '=', userId)
          .orderBy('scope')
          .execute()
      ).map((r) => r.scope),
    /** Replace a coordinator's scopes (one transaction). */
    setScopes: (userId: number, scopes: readonly string[], now: string) =>
      db.transaction().execute(async (trx) => {
        await trx.deleteFrom('coordinator_scopes').where('user_id', '=', userId).execute();
        if (scopes.length)
          await trx
            .insertInto('coordinator_scopes')
            .values(scopes.map((scope) => ({ user_id: userId, scope, created_at: now })))
            .execute();
      }),
  };
}
