/**
 * LTI 1.3 Advantage (issue #22): the tool's own signing keys, the platforms registered with it, the
 * launch state and nonces (single use), the accounts and cohorts launches map to, the line items
 * scores go to, and the durable outbox the scores are sent from. Frozen in time: never import
 * application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  // The tool's RS256 keys (private and public JWK). The newest key not retired signs; retired keys stay
  // published until `retired_at` + the overlap so tokens signed just before a rotation still verify.
  await db.schema
    .createTable('lti_tool_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('private_jwk', t.json, (c) => c.notNull())
    .addColumn('public_jwk', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('retired_at', t.timestamp)
    .execute();

  await db.schema
    .createTable('lti_registrations')
    .addColumn('id', 'integer', t.id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('deployment_ids', t.json, (c) => c.notNull())
    .addColumn('auth_url', 'text', (c) => c.notNull())
    .addColumn('token_url', 'text', (c) => c.notNull())
    .addColumn('jwks_url', 'text', (c) => c.notNull())
    .addColumn('learner_role', 'text', (c) => c.notNull().defaultTo('cadet'))
    .addColumn('enabled', t.bool, (c) => c.notNull().defaultTo(t.boolValue(true)))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('updated_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('lti_registrations_issuer_client', ['issuer', 'client_id'])
    .execute();

  // One-time URLs an admin hands to a platform's "Register a tool" (dynamic registration).
  await db.schema
    .createTable('lti_registration_links')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('learner_role', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();

  // OIDC login initiation → launch: the state (bound to the browser by a cookie holding it) and the nonce sent.
  await db.schema
    .createTable('lti_launch_states')
    .addColumn('state', 'text', (c) => c.primaryKey())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('login_params', t.json, (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();

  // Every nonce of an accepted id_token, so the same token cannot be replayed.
  await db.schema
    .createTable('lti_nonces')
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('lti_nonces_pk', ['registration_id', 'nonce'])
    .execute();

  // issuer + sub → one Oberih account.
  await db.schema
    .createTable('lti_accounts')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('lti_accounts_pk', ['issuer', 'sub'])
    .execute();
  await db.schema.createIndex('lti_accounts_user').on('lti_accounts').column('user_id').execute();

  // A platform context (a Moodle course) → the cohort of the instructor who launched it first.
  await db.schema
    .createTable('lti_contexts')
    .addColumn('id', 'integer', t.id)
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('context_id', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('cohort_id', 'integer', (c) => c.notNull().references('cohorts.id').onDelete('cascade'))
    .addColumn('nrps_url', 'text')
    .addColumn('roster_due', t.bool, (c) => c.notNull().defaultTo(t.boolValue(false)))
    .addColumn('roster_synced_at', t.timestamp)
    .addColumn('roster_error', 'text')
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('lti_contexts_reg_context', ['registration_id', 'context_id'])
    .execute();

  // Where a learner's scores go: the line item of the resource link they launched.
  await db.schema
    .createTable('lti_grade_links')
    .addColumn('id', 'integer', t.id)
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('lti_sub', 'text', (c) => c.notNull())
    .addColumn('course_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('lineitem_url', 'text', (c) => c.notNull())
    .addColumn('context_id', 'integer', (c) => c.references('lti_contexts.id').onDelete('set null'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addUniqueConstraint('lti_grade_links_user_lineitem', ['user_id', 'lineitem_url'])
    .execute();
  await db.schema
    .createIndex('lti_grade_links_user_course')
    .on('lti_grade_links')
    .columns(['user_id', 'course_id'])
    .execute();

  // Scores to send (AGS): claimed with a lease, retried with back-off, marked sent once.
  await db.schema
    .createTable('lti_score_outbox')
    .addColumn('id', 'integer', t.id)
    .addColumn('grade_link_id', 'integer', (c) => c.notNull().references('lti_grade_links.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addColumn('send_after', t.timestamp, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_until', t.timestamp)
    .addColumn('last_error', 'text')
    .addColumn('sent_at', t.timestamp)
    .addColumn('failed_at', t.timestamp)
    .execute();
  await db.schema
    .createIndex('lti_score_outbox_due')
    .on('lti_score_outbox')
    .columns(['sent_at', 'send_after'])
    .execute();
  await db.schema.createIndex('lti_score_outbox_user').on('lti_score_outbox').column('user_id').execute();

  // Short-lived single-use tickets: a deep-linking selection, a launch continued in a new window.
  await db.schema
    .createTable('lti_tickets')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('expires_at', t.timestamp, (c) => c.notNull())
    .addColumn('used_at', t.timestamp)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'lti_tickets',
    'lti_score_outbox',
    'lti_grade_links',
    'lti_contexts',
    'lti_accounts',
    'lti_nonces',
    'lti_launch_states',
    'lti_registration_links',
    'lti_registrations',
    'lti_tool_keys',
  ])
    await db.schema.dropTable(table).execute();
}
