import { Migrator, type MigrationResultSet } from 'kysely';
import type { DB } from './connection.ts';
import { migrations } from './migrations/index.ts';

function migrator(db: DB) {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

function check(result: MigrationResultSet): string[] {
  if (result.error) throw result.error instanceof Error ? result.error : new Error(String(result.error));
  return (result.results ?? []).map((r) => `${r.direction} ${r.migrationName}: ${r.status}`);
}

/** Apply every pending migration. Returns what was done. */
export async function migrateToLatest(db: DB): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

/** Undo the latest migration (or all of them with `all`). */
export async function migrateDown(db: DB, all = false): Promise<string[]> {
  const m = migrator(db);
  if (!all) return check(await m.migrateDown());
  const { NO_MIGRATIONS } = await import('kysely');
  return check(await m.migrateTo(NO_MIGRATIONS));
}

/** The newest migration this code knows: a database with a newer one was written by newer code. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;
