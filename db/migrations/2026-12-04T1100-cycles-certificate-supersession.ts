/**
 * Certification cycles (issue #18, item 6): a renewal issues a new certificate and the earlier one stays
 * verifiable as superseded, with its own dates. `superseded_by` holds the code of the certificate that
 * replaced it, `superseded_at` when. No new unique index: `completions_once` (user, course, attempt) stays
 * right once each cycle's completion comes from a pass in that cycle (a new attempt id). Frozen in time:
 * never import application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema.alterTable('certificates').addColumn('superseded_by', 'text').execute();
  await db.schema.alterTable('certificates').addColumn('superseded_at', t.timestamp).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('certificates').dropColumn('superseded_at').execute();
  await db.schema.alterTable('certificates').dropColumn('superseded_by').execute();
}
