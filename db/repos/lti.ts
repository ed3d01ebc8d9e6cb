/**
 * Every query of the LTI 1.3 tool (api/lti/): registrations, tool keys, launch state and nonces,
 * account and context mapping, grade links and the score outbox. Portable Kysely only.
 */
import type { DB } from '../connection.ts';
import type { LtiGradeLinksTable, LtiRegistrationsTable } from '../schema.ts';
import type { Selectable } from 'kysely';

export type LtiRegistration = Selectable<LtiRegistrationsTable>;
export type LtiGradeLink = Selectable<LtiGradeLinksTable>;

export interface NewRegistration {
  name: string;
  issuer: string;
  client_id: string;
  deployment_ids: string[];
  auth_url: string;
  token_url: string;
  jwks_url: string;
  learner_role: 'cadet' | 'officer';
  source: 'dynamic' | 'manual';
}

const changed = (r: { numUpdatedRows?: bigint; numInsertedOrUpdatedRows?: bigint }) =>
  Number(r.numUpdatedRows ?? r.numInsertedOrUpdatedRows ?? 0n) > 0;

export function ltiRepo(db: DB) {
  return {
    // --- tool keys ---
    keys: () => db.selectFrom('lti_tool_keys').selectAll().orderBy('created_at', 'desc').execute(),
    addKey: (k: { kid: string; private_jwk: string; public_jwk: string; created_at: string }) =>
      db.insertInto('lti_tool_keys').values(k).execute(),
    /** Replace a key's stored private half (a plaintext key sealed on first read). */
    sealKey: (kid: string, privateJwk: string) =>
      db.updateTable('lti_tool_keys').set({ private_jwk: privateJwk }).where('kid', '=', kid).execute(),
    retireKeys: (exceptKid: string, at: string) =>
      db
        .updateTable('lti_tool_keys')
        .set({ retired_at: at })
        .where('kid', '!=', exceptKid)
        .where('retired_at', 'is', null)
        .execute(),
    deleteKeysRetiredBefore: (before: string) =>
      db.deleteFrom('lti_tool_keys').where('retired_at', 'is not', null).where('retired_at', '<', before).execute(),

    // --- registrations ---
    registrations: () => db.selectFrom('lti_registrations').selectAll().orderBy('id').execute(),
    registration: (id: number) =>
      db.selectFrom('lti_registrations').selectAll().where('id', '=', id).executeTakeFirst(),
    registrationFor: (issuer: string, clientId: string) =>
      db
        .selectFrom('lti_registrations')
        .selectAll()
        .where('issuer', '=', issuer)
        .where('client_id', '=', clientId)
        .executeTakeFirst(),
    registrationsByIssuer: (issuer: string) =>
      db.selectFrom('lti_registrations').selectAll().where('issuer', '=', issuer).execute(),
    /** Insert; returns undefined when this issuer and client id are already registered. */
    createRegistration: (r: NewRegistration, at: string) =>
      db
        .insertInto('lti_registrations')
        .values({ ...r, deployment_ids: JSON.stringify(r.deployment_ids), created_at: at, updated_at: at })
        .onConflict((oc) => oc.columns(['issuer', 'client_id']).doNothing())
        .returningAll()
        .executeTakeFirst(),
    updateRegistration: async (
      id: number,
      patch: { enabled?: boolean; learner_role?: 'cadet' | 'officer'; deployment_ids?: string[]; name?: string },
      at: string,
    ) =>
      changed(
        await db
          .updateTable('lti_registrations')
          .set({
            ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
            ...(patch.learner_role ? { learner_role: patch.learner_role } : {}),
            ...(patch.deployment_ids ? { deployment_ids: JSON.stringify(patch.deployment_ids) } : {}),
            ...(patch.name ? { name: patch.name } : {}),
            updated_at: at,
          })
          .where('id', '=', id)
          .executeTakeFirst(),
      ),

    // --- dynamic registration links ---
    createRegistrationLink: (l: {
      token_hash: string;
      learner_role: 'cadet' | 'officer';
      created_by: number;
      created_at: string;
      expires_at: string;
    }) => db.insertInto('lti_registration_links').values(l).execute(),
    /**
     * Claim a link once, atomically: one UPDATE that only matches an unused, unexpired link, so of two
     * registrations racing with the same link exactly one gets a row (the other gets null).
     */
    useRegistrationLink: async (tokenHash: string, at: string) => {
      const claimed = changed(
        await db
          .updateTable('lti_registration_links')
          .set({ used_at: at })
          .where('token_hash', '=', tokenHash)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst(),
      );
      if (!claimed) return null;
      return (
        (await db
          .selectFrom('lti_registration_links')
          .select(['learner_role', 'created_by'])
          .where('token_hash', '=', tokenHash)
          .executeTakeFirst()) ?? null
      );
    },
    /** Give back a claim whose registration failed (the platform's admin may try again). */
    releaseRegistrationLink: (tokenHash: string, claimedAt: string) =>
      db
        .updateTable('lti_registration_links')
        .set({ used_at: null })
        .where('token_hash', '=', tokenHash)
        .where('used_at', '=', claimedAt)
        .execute(),
    registrationLink: (tokenHash: string) =>
      db.selectFrom('lti_registration_links').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),

    // --- launch state and nonces ---
    createState: (s: {
      state: string;
      nonce: string;
      registration_id: number;
      login_params: string;
      created_at: string;
      expires_at: string;
    }) => db.insertInto('lti_launch_states').values(s).execute(),
    state: (state: string) =>
      db.selectFrom('lti_launch_states').selectAll().where('state', '=', state).executeTakeFirst(),
    /** Mark the state used; false when it already was (or expired). */
    useState: async (state: string, at: string) =>
      changed(
        await db
          .updateTable('lti_launch_states')
          .set({ used_at: at })
          .where('state', '=', state)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst(),
      ),
    /** Record a nonce; false when it was seen before (a replay). */
    useNonce: async (registrationId: number, nonce: string, expiresAt: string) =>
      changed(
        await db
          .insertInto('lti_nonces')
          .values({ registration_id: registrationId, nonce, expires_at: expiresAt })
          .onConflict((oc) => oc.columns(['registration_id', 'nonce']).doNothing())
          .executeTakeFirst(),
      ),
    pruneLaunchData: async (at: string) => {
      await db.deleteFrom('lti_nonces').where('expires_at', '<', at).execute();
      await db.deleteFrom('lti_launch_states').where('expires_at', '<', at).execute();
      await db.deleteFrom('lti_tickets').where('expires_at', '<', at).execute();
    },

    // --- tickets ---
    createTicket: (t: {
      token_hash: string;
      kind: 'deep_link' | 'continue';
      registration_id: number;
      user_id: number | null;
      payload: string;
      expires_at: string;
    }) => db.insertInto('lti_tickets').values(t).execute(),
    useTicket: async (tokenHash: string, kind: 'deep_link' | 'continue', at: string) => {
      const ok = changed(
        await db
          .updateTable('lti_tickets')
          .set({ used_at: at })
          .where('token_hash', '=', tokenHash)
          .where('kind', '=', kind)
          .where('used_at', 'is', null)
          .where('expires_at', '>', at)
          .executeTakeFirst(),
      );
      if (!ok) return null;
      return db.selectFrom('lti_tickets').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    },

    // --- accounts ---
    /** The account a registration's `sub` is linked to: never another registration's, even with the same issuer. */
    accountFor: (registrationId: number, sub: string) =>
      db
        .selectFrom('lti_accounts')
        .innerJoin('users', 'users.id', 'lti_accounts.user_id')
        .select(['users.id', 'users.role', 'users.active', 'users.email', 'users.full_name', 'users.erased_at'])
        .where('lti_accounts.registration_id', '=', registrationId)
        .where('lti_accounts.sub', '=', sub)
        .executeTakeFirst(),
    linkAccount: (a: { issuer: string; sub: string; user_id: number; registration_id: number; created_at: string }) =>
      db
        .insertInto('lti_accounts')
        .values(a)
        .onConflict((oc) => oc.columns(['registration_id', 'sub']).doNothing())
        .execute(),
    /** A person's platform links, for the privacy export: issuer, registration name and `sub` (no secrets). */
    linksOfUser: (userId: number) =>
      db
        .selectFrom('lti_accounts')
        .innerJoin('lti_registrations', 'lti_registrations.id', 'lti_accounts.registration_id')
        .select([
          'lti_accounts.issuer',
          'lti_registrations.name as registration',
          'lti_accounts.sub',
          'lti_accounts.created_at',
        ])
        .where('lti_accounts.user_id', '=', userId)
        .orderBy('lti_accounts.created_at')
        .execute(),
    /**
     * Erasure: the person's platform links, grade links and every score row (sent or not) go, so an
     * erased person's score is never sent later and their platform id is not kept.
     */
    eraseUser: async (userId: number) => {
      await db.deleteFrom('lti_score_outbox').where('user_id', '=', userId).execute();
      await db.deleteFrom('lti_grade_links').where('user_id', '=', userId).execute();
      await db.deleteFrom('lti_accounts').where('user_id', '=', userId).execute();
    },
    emailTaken: async (email: string) =>
      !!(await db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()),

    // --- contexts and cohorts ---
    context: (registrationId: number, contextId: string) =>
      db
        .selectFrom('lti_contexts')
        .selectAll()
        .where('registration_id', '=', registrationId)
        .where('context_id', '=', contextId)
        .executeTakeFirst(),
    contextById: (id: number) => db.selectFrom('lti_contexts').selectAll().where('id', '=', id).executeTakeFirst(),
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
    /** The cohorts linked to a platform's course that this owner (null: anyone) keeps, unarchived. */
    linkedCohorts: (ownerId: number | null) => {
      let q = db
        .selectFrom('lti_contexts')
        .innerJoin('cohorts', 'cohorts.id', 'lti_contexts.cohort_id')
        .select(['cohorts.id as id', 'lti_contexts.title as title'])
        .where('cohorts.archived_at', 'is', null);
      if (ownerId !== null) q = q.where('cohorts.owner_id', '=', ownerId);
      return q.orderBy('cohorts.id').execute();
    },
    contextByCohort: (cohortId: number) =>
      db.selectFrom('lti_contexts').selectAll().where('cohort_id', '=', cohortId).executeTakeFirst(),
    createContext: (c: {
      registration_id: number;
      context_id: string;
      title: string;
      cohort_id: number;
      nrps_url: string | null;
      created_at: string;
    }) =>
      db
        .insertInto('lti_contexts')
        .values(c)
        .onConflict((oc) => oc.columns(['registration_id', 'context_id']).doNothing())
        .execute(),
    markRosterDue: (id: number, nrpsUrl: string | null) =>
      db
        .updateTable('lti_contexts')
        .set({ roster_due: nrpsUrl ? 1 : 0, ...(nrpsUrl ? { nrps_url: nrpsUrl } : {}) })
        .where('id', '=', id)
        .execute(),
    dueRosters: () =>
      db.selectFrom('lti_contexts').selectAll().where('roster_due', '=', 1).where('nrps_url', 'is not', null).execute(),
    rosterDone: (id: number, at: string, error: string | null) =>
      db
        .updateTable('lti_contexts')
        .set(
          error ? { roster_error: error, roster_due: 0 } : { roster_synced_at: at, roster_error: null, roster_due: 0 },
        )
        .where('id', '=', id)
        .execute(),
    addMember: (cohortId: number, userId: number, at: string) =>
      db
        .insertInto('cohort_members')
        .values({ cohort_id: cohortId, user_id: userId, joined_at: at })
        .onConflict((oc) => oc.columns(['cohort_id', 'user_id']).doNothing())
        .execute(),
    assignCourse: (cohortId: number, courseId: string, at: string) =>
      db
        .insertInto('cohort_courses')
        .values({ cohort_id: cohortId, course_id: courseId, due_on: null, assigned_at: at })
        .onConflict((oc) => oc.columns(['cohort_id', 'course_id']).doNothing())
        .execute(),
    /** Accounts of this registration in a cohort, by their `sub`. */
    ltiMembers: (cohortId: number, registrationId: number) =>
      db
        .selectFrom('cohort_members')
        .innerJoin('lti_accounts', 'lti_accounts.user_id', 'cohort_members.user_id')
        .select(['cohort_members.user_id', 'lti_accounts.sub'])
        .where('cohort_members.cohort_id', '=', cohortId)
        .where('lti_accounts.registration_id', '=', registrationId)
        .execute(),

    // --- grade links and the score outbox ---
    upsertGradeLink: async (g: Omit<LtiGradeLink, 'id'>) => {
      await db
        .insertInto('lti_grade_links')
        .values(g)
        .onConflict((oc) =>
          oc
            .columns(['user_id', 'lineitem_url'])
            .doUpdateSet({ course_id: g.course_id, kind: g.kind, lti_sub: g.lti_sub }),
        )
        .execute();
    },
    /**
     * The user's grade links for a course, only those made by the registration their LTI account
     * belongs to, under that account's `sub`: a link left by another registration that once claimed
     * the same issuer (before accounts were per registration) never receives their scores.
     */
    gradeLinks: (userId: number, courseId: string) =>
      db
        .selectFrom('lti_grade_links')
        .innerJoin('lti_accounts', (j) =>
          j
            .onRef('lti_accounts.registration_id', '=', 'lti_grade_links.registration_id')
            .onRef('lti_accounts.sub', '=', 'lti_grade_links.lti_sub')
            .onRef('lti_accounts.user_id', '=', 'lti_grade_links.user_id'),
        )
        .selectAll('lti_grade_links')
        .where('lti_grade_links.user_id', '=', userId)
        .where('lti_grade_links.course_id', '=', courseId)
        .execute(),
    /** Queue a score; false when the same dedupe key was queued before. */
    enqueueScore: async (s: {
      grade_link_id: number;
      user_id: number;
      payload: string;
      dedupe_key: string;
      at: string;
    }) =>
      changed(
        await db
          .insertInto('lti_score_outbox')
          .values({
            grade_link_id: s.grade_link_id,
            user_id: s.user_id,
            payload: s.payload,
            dedupe_key: s.dedupe_key,
            created_at: s.at,
            send_after: s.at,
          })
          .onConflict((oc) => oc.column('dedupe_key').doNothing())
          .executeTakeFirst(),
      ),
    dueScores: (at: string, limit: number) =>
      db
        .selectFrom('lti_score_outbox')
        .select('id')
        .where('sent_at', 'is', null)
        .where('failed_at', 'is', null)
        .where('send_after', '<=', at)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
        .orderBy('id')
        .limit(limit)
        .execute(),
    /** Claim a row until `until`; null when another worker has it or it is done. */
    claimScore: async (id: number, at: string, until: string) => {
      const ok = changed(
        await db
          .updateTable('lti_score_outbox')
          .set((eb) => ({ claimed_until: until, attempts: eb('attempts', '+', 1) }))
          .where('id', '=', id)
          .where('sent_at', 'is', null)
          .where('failed_at', 'is', null)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', at)]))
          .executeTakeFirst(),
      );
      if (!ok) return null;
      return db
        .selectFrom('lti_score_outbox')
        .innerJoin('lti_grade_links', 'lti_grade_links.id', 'lti_score_outbox.grade_link_id')
        .select([
          'lti_score_outbox.id',
          'lti_score_outbox.payload',
          'lti_score_outbox.attempts',
          'lti_grade_links.lineitem_url',
          'lti_grade_links.registration_id',
        ])
        .where('lti_score_outbox.id', '=', id)
        .executeTakeFirst();
    },
    scoreSent: (id: number, at: string) =>
      db
        .updateTable('lti_score_outbox')
        .set({ sent_at: at, claimed_until: null, last_error: null })
        .where('id', '=', id)
        .execute(),
    scoreFailed: (id: number, error: string, retryAt: string | null, at: string) =>
      db
        .updateTable('lti_score_outbox')
        .set(
          retryAt
            ? { last_error: error, send_after: retryAt, claimed_until: null }
            : { last_error: error, failed_at: at, claimed_until: null },
        )
        .where('id', '=', id)
        .execute(),
    /** The score rows of a cohort's members (latest first), for the instructor's sync view. */
    cohortScoreRows: (cohortId: number, contextId: number) =>
      db
        .selectFrom('lti_score_outbox')
        .innerJoin('cohort_members', 'cohort_members.user_id', 'lti_score_outbox.user_id')
        .innerJoin('lti_grade_links', 'lti_grade_links.id', 'lti_score_outbox.grade_link_id')
        .select([
          'lti_score_outbox.id',
          'lti_score_outbox.user_id',
          'lti_grade_links.course_id',
          'lti_grade_links.kind',
          'lti_score_outbox.payload',
          'lti_score_outbox.attempts',
          'lti_score_outbox.last_error',
          'lti_score_outbox.sent_at',
          'lti_score_outbox.failed_at',
          'lti_score_outbox.created_at',
        ])
        .where('cohort_members.cohort_id', '=', cohortId)
        .where('lti_grade_links.context_id', '=', contextId)
        .orderBy('lti_score_outbox.id', 'desc')
        .execute(),
  };
}
