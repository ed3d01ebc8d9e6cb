/**
 * The engine-neutral name of the application's Kysely instance. The SQLite connection itself lives in
 * db/sqlite/connection.ts (re-exported here for the CLI, seeds and tests that open a file directly);
 * PostgreSQL's in db/postgres/connection.ts. The application receives either through `Storage`
 * (db/storage.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type DB = Kysely<Database>;
export { createDb, openSqlite, withStatementCache, dataVersionProbe, type OpenOptions } from './sqlite/connection.ts';
