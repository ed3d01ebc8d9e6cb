/**
 * `sessions.reauth_at`: when the session last proved its password (or second factor): at sign-in and
 * at `POST /api/auth/reauth`. Dangerous actions (backup download, erasure, role change, certificate
 * revocation) need it within the last 10 minutes (ASVS 5.0 7.5.3). Frozen in time: never import
 * application code here.
 */
import { sql, type Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('sessions').addColumn('reauth_at', t.timestamp).execute();
  // Sessions from before this migration count as signed in when they were created.
  await sql`update sessions set reauth_at = created_at`.execute(db);
  // Audit retention deletes by time (AUDIT_RETENTION_DAYS).
  await db.schema.createIndex('audit_log_at').on('audit_log').column('at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_at').execute();
  await db.schema.alterTable('sessions').dropColumn('reauth_at').execute();
}
