/**
 * An in-process cache of validated sessions, keyed by the token's hash (the session id), so a
 * signed-in request does not read `sessions ⋈ users` every time.
 *
 * It can never serve a session the database no longer allows, because SQLite itself tells it what
 * changed:
 * - TEMP triggers on this connection (no schema change, they live only as long as the connection)
 *   call back into the cache on every UPDATE or DELETE of `users` (role change, deactivation, erasure,
 *   password change or reset, a new name or locale: the user's sessions are dropped) and of `sessions`
 *   (logout, logout of every other session, expiry clean-up, the sliding-expiry write: that session
 *   is dropped), whichever code path or transaction makes the change;
 * - `PRAGMA data_version` is compared on every look-up: a commit by any other connection (another
 *   process, a CLI) empties the whole cache before it answers again. The pragma itself runs only
 *   when the WAL-index header changed since the last look-up (`dataVersionProbe` in
 *   db/connection.ts: one 96-byte read instead of a read transaction), i.e. after any commit.
 *
 * Entries are only added from a synchronous read outside any open transaction, so nothing
 * uncommitted (a Kysely transaction awaits between its statements) is ever cached. A hit is used
 * only while the session is more than `SESSION_RENEW_BEFORE` from its expiry; otherwise the request
 * takes the database path, which renews (or deletes) it. The cache is bounded (oldest entries go
 * first) and belongs to one process: the server is a single process over one connection, which is
 * what makes the triggers see every write.
 */
import type SQLite from 'better-sqlite3';
import type { DB } from '../connection.ts';
import { dataVersionProbe } from './connection.ts';
import { withUserQuery, type SessionWithUser } from '../repos/sessions.ts';
import type { CachedSession, SessionCachePort } from '../storage.ts';
import { SessionEntries } from '../session-entries.ts';
import type { Role } from '../schema.ts';

type CachedUser = { id: number; role: Role };

let instances = 0;

export class SessionCache<U extends CachedUser = CachedUser> implements SessionCachePort<U> {
  private readonly entries: SessionEntries<U>;
  private readonly dataVersion: ReturnType<typeof dataVersionProbe>;
  private version: number;
  /** The session with its user, read synchronously from the database (a miss fills the cache from it). */
  readonly lookup: (id: string) => SessionWithUser | undefined;

  /** `db` and `sqlite`: the same connection (Kysely over it, and the raw handle). */
  constructor(
    db: DB,
    readonly sqlite: SQLite.Database,
    readonly max = 10_000,
  ) {
    this.entries = new SessionEntries<U>(max);
    this.lookup = sessionLookup(db, sqlite);
    this.dataVersion = dataVersionProbe(sqlite);
    this.version = this.dataVersion.get();
    // One set of functions and triggers per cache (tests open several apps in one process).
    const n = `oberih_session_cache_${++instances}`;
    sqlite.function(`${n}_user`, { deterministic: false }, (id: unknown) => (this.dropUser(Number(id)), null));
    sqlite.function(`${n}_session`, { deterministic: false }, (id: unknown) => (this.drop(String(id)), null));
    sqlite.exec(`
      CREATE TEMP TRIGGER ${n}_users_update AFTER UPDATE ON users BEGIN SELECT ${n}_user(OLD.id), ${n}_user(NEW.id); END;
      CREATE TEMP TRIGGER ${n}_users_delete AFTER DELETE ON users BEGIN SELECT ${n}_user(OLD.id); END;
      CREATE TEMP TRIGGER ${n}_sessions_update AFTER UPDATE ON sessions BEGIN SELECT ${n}_session(OLD.id), ${n}_session(NEW.id); END;
      CREATE TEMP TRIGGER ${n}_sessions_delete AFTER DELETE ON sessions BEGIN SELECT ${n}_session(OLD.id); END;
    `);
  }

  /** The cached session, or undefined (after emptying the cache if another connection committed). */
  get(id: string): CachedSession<U> | undefined {
    const v = this.dataVersion.get();
    if (v !== this.version) {
      this.version = v;
      this.clear();
    }
    return this.entries.get(id);
  }

  /** Hits, misses and invalidations since start, for tests and the benchmark. */
  get stats() {
    return this.entries.stats;
  }

  /** Remember a session just read from the database; ignored inside an open transaction. */
  set(id: string, user: U, expiresAt: number) {
    if (this.sqlite.inTransaction) return;
    this.entries.put(id, { user: Object.freeze({ ...user }), expiresAt });
  }

  /** Forget one session. */
  drop(id: string) {
    this.entries.drop(id);
  }

  /** Forget every session of a user. */
  dropUser(userId: number) {
    this.entries.dropUser(userId);
  }

  /** Release the data-version probe's file descriptor (the connection is closing). */
  close() {
    this.dataVersion.close();
  }

  clear() {
    this.entries.clear();
  }

  get size() {
    return this.entries.size;
  }
}

/**
 * The same look-up as `sessionsRepo(db).withUser`, compiled by Kysely once and run synchronously
 * on the raw connection as one prepared statement (the session cache fills itself from it without
 * yielding, so no write can slip in between the read and the caching).
 */
export function sessionLookup(db: DB, sqlite: SQLite.Database): (id: string) => SessionWithUser | undefined {
  const stmt = sqlite.prepare(withUserQuery(db, '').compile().sql);
  return (id) => stmt.get(id) as SessionWithUser | undefined;
}
