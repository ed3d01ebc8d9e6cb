/**
 * The small dialect switch every migration uses, so one migration file creates the same schema on
 * SQLite and on PostgreSQL. Frozen in time like the migrations: never import application code here.
 *
 * The application sees the same values on both engines (db/postgres/ sets pg's type parsers):
 * timestamps as ISO-8601 UTC strings, booleans as 0/1, JSON as text, integer ids and counts as numbers.
 */
import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely, type RawBuilder } from 'kysely';

export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

export interface ColumnTypes {
  /** A point in time: `timestamptz` on PostgreSQL, ISO-8601 text on SQLite. */
  timestamp: 'timestamptz' | 'text';
  /** A calendar date (YYYY-MM-DD): `date` on PostgreSQL, text on SQLite. */
  date: 'date' | 'text';
  /** A JSON document: `jsonb` on PostgreSQL, text on SQLite. */
  json: 'jsonb' | 'text';
  /** A flag: `boolean` on PostgreSQL, 0/1 integer on SQLite. */
  bool: 'boolean' | 'integer';
  /** A floating-point number: `double precision` on PostgreSQL (its `real` is 4 bytes), `real` on SQLite (8 bytes). */
  real: 'double precision' | 'real';
  /** Binary data. */
  blob: 'bytea' | 'blob';
  /** A surrogate key column: identity on PostgreSQL, autoincrement on SQLite. */
  id: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;
  /** A default for a bool column. */
  boolValue: (v: boolean) => RawBuilder<unknown>;
}

export function columnTypes(db: Kysely<any>): ColumnTypes {
  const pg = isPostgres(db);
  return {
    timestamp: pg ? 'timestamptz' : 'text',
    date: pg ? 'date' : 'text',
    json: pg ? 'jsonb' : 'text',
    bool: pg ? 'boolean' : 'integer',
    real: pg ? 'double precision' : 'real',
    blob: pg ? 'bytea' : 'blob',
    id: (c) => (pg ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement()),
    boolValue: (v) => (pg ? sql.lit(v) : sql.lit(v ? 1 : 0)),
  };
}
