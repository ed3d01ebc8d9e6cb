/**
 * The entries of an in-process session cache, by session id and by user (both engines' caches:
 * db/sqlite/session-cache.ts, db/postgres/session-cache.ts). Bounded: when full, the oldest entry
 * goes first. What keeps the entries correct is each engine's business.
 */
import type { CachedSession } from './storage.ts';

export class SessionEntries<U extends { id: number }, E extends CachedSession<U> = CachedSession<U>> {
  private readonly byId = new Map<string, E>();
  private readonly byUser = new Map<number, Set<string>>();
  readonly stats = { hits: 0, misses: 0, dropped: 0, cleared: 0 };

  constructor(private readonly max: number) {}

  /** The entry, counted as a hit or a miss. */
  get(id: string): E | undefined {
    const hit = this.byId.get(id);
    if (hit) this.stats.hits++;
    else this.stats.misses++;
    return hit;
  }

  put(id: string, entry: E) {
    if (this.byId.size >= this.max && !this.byId.has(id)) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.drop(oldest);
    }
    this.byId.set(id, entry);
    let ids = this.byUser.get(entry.user.id);
    if (!ids) this.byUser.set(entry.user.id, (ids = new Set()));
    ids.add(id);
  }

  /** Forget one session. */
  drop(id: string) {
    const entry = this.byId.get(id);
    if (!entry) return;
    this.byId.delete(id);
    this.stats.dropped++;
    const ids = this.byUser.get(entry.user.id);
    ids?.delete(id);
    if (ids && !ids.size) this.byUser.delete(entry.user.id);
  }

  /** Forget every session of a user. */
  dropUser(userId: number) {
    const ids = this.byUser.get(userId);
    if (!ids) return;
    for (const id of [...ids]) this.drop(id);
  }

  clear() {
    if (this.byId.size) this.stats.cleared++;
    this.byId.clear();
    this.byUser.clear();
  }

  get size() {
    return this.byId.size;
  }
}
