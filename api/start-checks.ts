/**
 * Start-up steps before any server process serves (api/start.ts): the PostgreSQL preflight, and under
 * `WORKERS=N` the primary that migrates once and supervises the workers (api/cluster.ts).
 */
import { type readEnv } from './config.ts';
import { superviseWorkers } from './cluster.ts';
import { createPgDb, redactUrl } from '../db/postgres/connection.ts';
import { preflight, PreflightError } from '../db/postgres/preflight.ts';
import { migrateToLatest } from '../db/migrate.ts';

type Env = ReturnType<typeof readEnv>;

/** Exit codes of the start command: a bad setting, a database that cannot be used. */
export const EXIT_BAD_SETTING = 2;
export const EXIT_DATABASE = 3;

/** On PostgreSQL: connect, authenticate, refuse a newer schema (primary and read replica). Exits on failure. */
export async function checkDatabaseOrExit(env: Env): Promise<void> {
  if (!env.databaseUrl) return;
  try {
    await preflight(env.databaseUrl, { setting: 'DATABASE_URL' });
    if (env.databaseReadUrl) await preflight(env.databaseReadUrl, { setting: 'DATABASE_READ_URL' });
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(EXIT_DATABASE);
  }
}

/**
 * The `WORKERS=N` primary: migrate once, fork the workers running `exec`, print the banner when they all
 * listen, and exit with the supervisor's code after a graceful stop.
 */
export async function runPrimary(env: Env, exec?: string): Promise<never> {
  if (!env.databaseUrl) {
    // readEnv refuses this already; kept as a guard for callers that bypass it.
    console.error('error: WORKERS: more than one needs PostgreSQL (DATABASE_URL)');
    process.exit(EXIT_BAD_SETTING);
  }
  const { db } = createPgDb(env.databaseUrl, { max: 1, statementTimeoutMs: 0 });
  try {
    await migrateToLatest(db);
  } catch (e) {
    console.error(`error: DATABASE_URL: migrating the database failed: ${(e as Error).message}`);
    process.exit(EXIT_DATABASE);
  } finally {
    await db.destroy();
  }
  const code = await superviseWorkers({
    workers: env.WORKERS,
    exec,
    onListening: (port) => {
      const url = `http://localhost:${port}/`;
      console.log(`\nOberih is running: ${url}uk/  (English: ${url}en/, API docs: ${url}api/docs)`);
      console.log(
        `Database: ${redactUrl(env.databaseUrl!)}; ${env.WORKERS} worker processes (pid ${process.pid} supervises)`,
      );
    },
  });
  process.exit(code);
}
