/**
 * An LTI account belongs to the registration that created it (security review of issue #22): the key
 * of `lti_accounts` becomes (registration_id, sub) instead of (issuer, sub), so a second registration
 * that claims the same issuer (a fake "platform" registered through a dynamic-registration link)
 * cannot sign in as the first one's users. Existing rows keep the registration recorded when they
 * were created; a row whose registration is somehow missing takes the first registration with its
 * issuer. Frozen in time: never import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('lti_accounts_v2')
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('lti_accounts_registration_sub_pk', ['registration_id', 'sub'])
    .execute();
  await sql`
    INSERT INTO lti_accounts_v2 (registration_id, sub, issuer, user_id, created_at)
    SELECT COALESCE(
             (SELECT r.id FROM lti_registrations r WHERE r.id = a.registration_id),
             (SELECT MIN(r.id) FROM lti_registrations r WHERE r.issuer = a.issuer)
           ),
           a.sub, a.issuer, a.user_id, a.created_at
    FROM lti_accounts a
    WHERE EXISTS (SELECT 1 FROM lti_registrations r WHERE r.id = a.registration_id OR r.issuer = a.issuer)
  `.execute(db);
  await db.schema.dropTable('lti_accounts').execute();
  await db.schema.alterTable('lti_accounts_v2').renameTo('lti_accounts').execute();
  await db.schema.createIndex('lti_accounts_user').on('lti_accounts').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('lti_accounts_v1')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('sub', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('registration_id', 'integer', (c) => c.notNull().references('lti_registrations.id').onDelete('cascade'))
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .addPrimaryKeyConstraint('lti_accounts_pk', ['issuer', 'sub'])
    .execute();
  // Two registrations with one issuer may both have linked a `sub`: the older link wins.
  await sql`
    INSERT INTO lti_accounts_v1 (issuer, sub, user_id, registration_id, created_at)
    SELECT a.issuer, a.sub, a.user_id, a.registration_id, a.created_at FROM lti_accounts a
    WHERE a.registration_id = (SELECT MIN(b.registration_id) FROM lti_accounts b WHERE b.issuer = a.issuer AND b.sub = a.sub)
  `.execute(db);
  await db.schema.dropTable('lti_accounts').execute();
  await db.schema.alterTable('lti_accounts_v1').renameTo('lti_accounts').execute();
  await db.schema.createIndex('lti_accounts_user').on('lti_accounts').column('user_id').execute();
}
