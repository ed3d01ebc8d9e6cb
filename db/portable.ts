/**
 * The few SQL expressions that are spelled differently on SQLite and PostgreSQL, for repositories
 * (everything else is plain Kysely). Times are ISO-8601 text on SQLite and `timestamptz` on PostgreSQL.
 */
import { PostgresAdapter, sql, type Expression, type RawBuilder } from 'kysely';
import type { DB } from './connection.ts';

/** Is `db` a PostgreSQL Kysely instance (a transaction of one too)? */
export const onPostgres = (db: DB): boolean => db.getExecutor().adapter instanceof PostgresAdapter;

/** Seconds from `earlier` to `later` (two times), as a number. */
export function secondsBetween(
  later: Expression<unknown>,
  earlier: Expression<unknown>,
  db: DB,
): RawBuilder<number | null> {
  return onPostgres(db)
    ? sql<number | null>`extract(epoch from (${later} - ${earlier}))::float8`
    : sql<number | null>`(julianday(${later}) - julianday(${earlier})) * 86400`;
}

/** The smaller of two values (SQLite's two-argument `min`, PostgreSQL's `least`). */
export function smaller<T>(a: Expression<T>, b: Expression<T>, db: DB): RawBuilder<T> {
  return onPostgres(db) ? sql<T>`least(${a}, ${b})` : sql<T>`min(${a}, ${b})`;
}

/** Does the text (or JSON document, as text) `haystack` contain `needle`? */
export function containsText(haystack: Expression<unknown>, needle: string, db: DB): RawBuilder<boolean> {
  return onPostgres(db)
    ? sql<boolean>`strpos(${haystack}::text, ${needle}) > 0`
    : sql<boolean>`instr(${haystack}, ${needle}) > 0`;
}

/** The text (or JSON document) with every `from` replaced by `to`, as the column's own type. */
export function replaceText(value: Expression<unknown>, from: string, to: string, db: DB): RawBuilder<string> {
  return onPostgres(db)
    ? sql<string>`replace(${value}::text, ${from}, ${to})::jsonb`
    : sql<string>`replace(${value}, ${from}, ${to})`;
}
