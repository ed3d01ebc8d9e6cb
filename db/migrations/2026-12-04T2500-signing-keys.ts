/**
 * Signing keys kept in the database, so every API instance on one PostgreSQL signs with the same
 * certificate key (api/certificates/shared-key.ts). The first instance to start inserts a key if
 * none is there (insert-if-absent on the primary key); the others read the same row. On SQLite the key
 * file in DATA_DIR stays the default and this table stays empty unless `db:copy` fills it.
 * Frozen in time: never import application code here.
 */
import type { Kysely } from 'kysely';
import { columnTypes } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const t = columnTypes(db);
  await db.schema
    .createTable('signing_keys')
    // What the key signs, e.g. 'certificate'.
    .addColumn('purpose', 'text', (c) => c.primaryKey())
    // PKCS#8 PEM of the private key.
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('created_at', t.timestamp, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('signing_keys').execute();
}
