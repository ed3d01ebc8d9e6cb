/**
 * The session cache on PostgreSQL: the same in-process cache as on SQLite (a signed-in request does
 * not read `sessions ⋈ users`), kept correct across every API instance of one database by
 * PostgreSQL's LISTEN/NOTIFY.
 *
 * - **What changed.** Triggers (migration `…-session-cache-notify`) send `u:<user id>` on every UPDATE
 *   or DELETE of `users`, `s:<session id>` on every UPDATE or DELETE of `sessions`, and `c` on a
 *   TRUNCATE of either, at COMMIT, whichever instance, CLI or `psql` made the change. Every instance
 *   listens on a connection of its own and drops what they name. A read that was in flight while a
 *   change arrived is not cached (the generation taken before the read must still hold).
 * - **A lease.** Every `heartbeatMs` an instance sends `h:<self>:<n>` on its listening connection.
 *   Notifications reach a listener in commit order, so once heartbeat n is back, every change
 *   committed before it was sent has been handled. The cache is used only while the last heartbeat
 *   back was sent less than `leaseMs` ago: an instance that stopped hearing the database (a silent
 *   network drop, a blocked event loop, a pooler that does not carry LISTEN, disabled triggers
 *   aside) stops using its cache within `leaseMs`, by its own clock, without anyone telling it.
 * - **Refused on the very next request.** A request that changed `users` or `sessions` (counted on the
 *   primary pool's connections: `watchChanges`) is answered only after a fence: the instance sends
 *   `f:<self>:<n>` and waits until its own listener has seen it and every other live instance has
 *   acknowledged it (`a:<origin>:<n>:<peer>`, sent after handling everything before). An instance that
 *   does not acknowledge in time can no longer be using a cache that missed the change (its lease ran
 *   out), so after `leaseMs` plus a margin the fence ends anyway, whatever failed (a peer, this
 *   instance's own listener, the fence's notification itself).
 * - **Who is live.** Peers are those heard from (heartbeats, fences) in the last `3 × heartbeatMs`
 *   plus the lease; `q:<self>` says an instance is closing.
 * - **Lost.** When the listening connection fails, or its own heartbeat has not come back for
 *   `lostAfterMs`, the cache is emptied and it reconnects (with back-off and jitter); missed
 *   notifications cannot matter because it starts empty.
 * Entries also expire after `maxAgeMs`. Notifications are trusted like the database: any role that can
 * connect could send them (docs/operations.md).
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type { CachedSession, SessionCachePort } from '../storage.ts';
import { SessionEntries } from '../session-entries.ts';
import type { SessionWithUser } from '../repos/sessions.ts';
import type { Role } from '../schema.ts';

export const SESSION_CACHE_CHANNEL = 'oberih_session_cache';

type CachedUser = { id: number; role: Role };

export interface PgSessionCacheOptions {
  /** Connection string of the primary (LISTEN does not work on a standby). */
  url: string;
  /** Client settings for the listening connection (type parsers, timeouts). */
  client?: Omit<pg.ClientConfig, 'connectionString'>;
  /** The session look-up on the pool. */
  read: (id: string) => Promise<SessionWithUser | undefined>;
  /** Changes to users or sessions made through this process's pool (`watchChanges`). */
  changes?: { count(): number };
  max?: number;
  /** An entry older than this is read again. @defaultValue 60 s */
  maxAgeMs?: number;
  /** Heartbeat period. @defaultValue 500 ms */
  heartbeatMs?: number;
  /** The cache is used only while the last heartbeat back was sent less than this ago. @defaultValue 2 s */
  leaseMs?: number;
  /** Reconnect when no heartbeat came back for this long. @defaultValue 5 s */
  lostAfterMs?: number;
  /** Told when the cache stops or starts being used, and when a fence ends without every acknowledgement. */
  onEvent?: (event: 'listening' | 'lost' | 'fence-timeout', detail?: string) => void;
}

const WATCH_VERB = /\b(update|delete|truncate)\b/i;
const WATCH_TABLE = /\b(users|sessions)\b/i;

/**
 * Count statements run on `pool`'s connections that may have changed `users` or `sessions` (an
 * UPDATE, DELETE or TRUNCATE naming either, whatever built it: Kysely, a raw `sql` template, a write
 * job), once they have changed a row. Counted before the caller sees the result, so a request that
 * made such a change knows it before it answers. A false positive costs one fence.
 */
export function watchChanges(pool: pg.Pool): { count(): number } {
  let n = 0;
  const verdicts = new Map<string, boolean>();
  const watched = (text: string) => {
    let v = verdicts.get(text);
    if (v === undefined) {
      v = WATCH_VERB.test(text) && WATCH_TABLE.test(text);
      // Long texts (multi-row inserts of every size) are judged each time, not kept.
      if (text.length > 2000) return v;
      if (verdicts.size > 2000) verdicts.clear();
      verdicts.set(text, v);
    }
    return v;
  };
  const counted = (res: unknown) => {
    if ((res as { rowCount?: number | null } | undefined)?.rowCount !== 0) n++;
  };
  pool.on('connect', (client) => {
    const query = client.query;
    client.query = function (this: pg.Client, ...args: unknown[]) {
      const first = args[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : first?.text;
      if (!text || !watched(text)) return (query as (...a: unknown[]) => unknown).apply(this, args);
      const cb = args.findIndex((a, i) => i > 0 && typeof a === 'function');
      if (cb > 0) {
        const done = args[cb] as (err: unknown, res: unknown) => void;
        args[cb] = (err: unknown, res: unknown) => {
          if (!err) counted(res);
          done(err, res);
        };
        return (query as (...a: unknown[]) => unknown).apply(this, args);
      }
      const result = (query as (...a: unknown[]) => unknown).apply(this, args);
      // Attached before the caller's own handlers, so counted before the caller continues.
      if (result && typeof (result as Promise<unknown>).then === 'function')
        (result as Promise<unknown>).then(counted, () => {});
      return result;
    } as typeof client.query;
  });
  return { count: () => n };
}

/** Wait for `p` at most `ms` (a connection that stopped answering must not hold up a close), never rejecting. */
function within(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.then(
      () => {},
      () => {},
    ),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}

const ID = /^[0-9a-f]{12}$/;
const N = /^\d{1,15}$/;

interface Fence {
  own: boolean;
  /** Peers still to acknowledge, fixed when its own notification comes back (null before). */
  waiting: Set<string> | null;
  acked: Set<string>;
  done: () => void;
}

export class PgSessionCache<U extends CachedUser = CachedUser> implements SessionCachePort<U> {
  private readonly entries: SessionEntries<U, CachedSession<U> & { at: number }>;
  /** Moves with every change notification: a read that began before a move is not cached. */
  private generation = 0;
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private readonly self = crypto.randomBytes(6).toString('hex');
  private readonly peers = new Map<string, number>();
  private fenceSeq = 0;
  private readonly fences = new Map<number, Fence>();
  private beatTimer: NodeJS.Timeout | null = null;
  private beatSeq = 0;
  /** Send time of each heartbeat not back yet, by number. */
  private readonly beatsOut = new Map<number, number>();
  /** When the last heartbeat back was sent (monotonic ms); the lease runs from it. */
  private leaseFrom = -Infinity;
  private onLease: (() => void) | null = null;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly fenceStats = { fences: 0, fenceTimeouts: 0 };
  private readonly maxAgeMs: number;
  private readonly heartbeatMs: number;
  private readonly leaseMs: number;
  private readonly lostAfterMs: number;
  private report: (event: 'listening' | 'lost' | 'fence-timeout', detail?: string) => void;

  constructor(private readonly opts: PgSessionCacheOptions) {
    this.entries = new SessionEntries(opts.max ?? 10_000);
    this.maxAgeMs = opts.maxAgeMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? 500;
    this.leaseMs = opts.leaseMs ?? 2_000;
    this.lostAfterMs = opts.lostAfterMs ?? 5_000;
    this.report = opts.onEvent ?? (() => {});
  }

  /** Start listening; resolves once listening (or rejects when the first connection fails; it keeps retrying). */
  async start(report?: (event: string, detail?: string) => void): Promise<void> {
    if (report) this.report = report;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ ...this.opts.client, connectionString: this.opts.url, keepAlive: true });
    this.listener = client;
    client.on('notification', (m) => {
      if (m.channel === SESSION_CACHE_CHANNEL && this.listener === client) this.receive(m.payload ?? '');
    });
    client.on('error', () => {
      if (this.listener === client) void this.lost('the listening connection failed');
    });
    client.on('end', () => {
      if (this.listener === client) void this.lost('the listening connection ended');
    });
    try {
      await client.connect();
      await client.query(`listen ${SESSION_CACHE_CHANNEL}`);
    } catch (e) {
      if (this.listener === client) void this.lost('could not listen');
      throw e;
    }
    if (this.closed || this.listener !== client) return;
    // Whatever was cached before (nothing, or entries from before a lost connection) may be stale.
    this.clear();
    this.listening = true;
    this.report('listening');
    // Resolved by its first heartbeat back (a listener that hears nothing never caches), by the lease
    // time, or by losing this connection: whichever comes first, each connection its own.
    let wait: NodeJS.Timeout | undefined;
    const leased = new Promise<void>((resolve) => {
      this.onLease = resolve;
      wait = setTimeout(resolve, this.leaseMs);
      wait.unref();
    });
    this.beat();
    this.beatTimer = setInterval(() => this.beat(), this.heartbeatMs);
    this.beatTimer.unref();
    await leased;
    clearTimeout(wait);
  }

  /** Stop using the cache and reconnect (backing off up to 30 s); resolves when the old connection is closed. */
  private lost(why: string): Promise<void> {
    const client = this.listener;
    this.listener = null;
    const was = this.listening;
    this.listening = false;
    this.leaseFrom = -Infinity;
    this.beatsOut.clear();
    this.clear();
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
    // A start waiting for this connection's first heartbeat goes on (the next connection has its own).
    this.onLease?.();
    this.onLease = null;
    // Pending fences are not ended here: each ends when its instances acknowledge or its lease time is up.
    const ended = client ? within(client.end(), 1_000) : Promise.resolve();
    if (was) this.report('lost', why);
    if (this.closed || this.retryTimer) return ended;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        this.connect().catch(() => {});
      },
      this.retryMs * (0.5 + Math.random()),
    );
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    return ended;
  }

  /** Send a notification on the listening connection (false: not connected). */
  private send(payload: string): boolean {
    const client = this.listener;
    if (!client || !this.listening) return false;
    client.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, payload]).catch(() => {});
    return true;
  }

  /** A heartbeat: announces this instance, and renews the lease when it comes back. */
  private beat() {
    const now = performance.now();
    const oldest = this.beatsOut.values().next().value;
    if (oldest !== undefined && now - oldest > this.lostAfterMs) {
      void this.lost('its own heartbeat did not come back');
      return;
    }
    const n = ++this.beatSeq;
    this.beatsOut.set(n, now);
    this.send(`h:${this.self}:${n}`);
    const wall = Date.now();
    for (const [peer, seen] of this.peers)
      if (wall - seen > 3 * this.heartbeatMs + this.leaseMs) this.peers.delete(peer);
  }

  private receive(payload: string) {
    const [kind, a, b, c] = payload.split(':');
    switch (kind) {
      case 'u':
        this.generation++;
        this.dropUser(Number(a));
        break;
      case 's':
        this.generation++;
        this.drop(payload.slice(2));
        break;
      case 'c':
        this.clear();
        break;
      case 'h':
        if (!ID.test(a ?? '') || !N.test(b ?? '')) return;
        if (a === this.self) {
          const n = Number(b);
          const sent = this.beatsOut.get(n);
          if (sent === undefined) return;
          this.leaseFrom = Math.max(this.leaseFrom, sent);
          this.onLease?.();
          this.onLease = null;
          for (const k of this.beatsOut.keys()) if (k <= n) this.beatsOut.delete(k);
        } else this.peers.set(a!, Date.now());
        break;
      case 'q':
        if (!ID.test(a ?? '')) return;
        this.peers.delete(a!);
        for (const f of this.fences.values()) this.settle(f, a!);
        break;
      case 'f':
        if (!ID.test(a ?? '') || !N.test(b ?? '')) return;
        if (a === this.self) {
          const f = this.fences.get(Number(b));
          if (f) {
            f.own = true;
            // Every heartbeat committed before this fence has been seen: these are the live peers.
            f.waiting = new Set([...this.peers.keys()].filter((p) => !f.acked.has(p)));
            this.settle(f);
          }
        } else {
          // Every change notification before this one has been handled: say so.
          this.peers.set(a!, Date.now());
          this.send(`a:${a}:${b}:${this.self}`);
        }
        break;
      case 'a':
        if (a === this.self && N.test(b ?? '') && ID.test(c ?? '')) {
          const f = this.fences.get(Number(b));
          if (f) this.settle(f, c);
        }
        break;
    }
  }

  private settle(f: Fence, peer?: string) {
    if (peer) {
      f.acked.add(peer);
      f.waiting?.delete(peer);
    }
    if (f.own && f.waiting && !f.waiting.size) f.done();
  }

  /** Changes to `users`/`sessions` this process has made (see `watchChanges`). */
  localChanges(): number {
    return this.opts.changes?.count() ?? 0;
  }

  /**
   * Resolve once every instance has handled every change notification committed before this call:
   * when all live ones have acknowledged, or when any that did not can no longer be using its cache
   * (its lease has run out).
   */
  async fence(): Promise<void> {
    const n = ++this.fenceSeq;
    this.fenceStats.fences++;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const entry: Fence = {
        own: false,
        waiting: null,
        acked: new Set(),
        done: () => {
          this.fences.delete(n);
          clearTimeout(timer);
          resolve();
        },
      };
      this.fences.set(n, entry);
      timer = setTimeout(() => {
        this.fenceStats.fenceTimeouts++;
        this.report(
          'fence-timeout',
          entry.own ? `no acknowledgement from ${[...(entry.waiting ?? [])].join(', ')}` : 'not heard back',
        );
        // A peer that did not answer is no longer waited for (it is gone, or its lease ran out).
        for (const p of entry.waiting ?? []) this.peers.delete(p);
        entry.done();
      }, this.leaseMs + 250);
      timer.unref();
      this.send(`f:${this.self}:${n}`);
    });
  }

  /** Is the lease held (listening, and a heartbeat sent less than `leaseMs` ago has come back)? */
  private usable() {
    return this.listening && performance.now() - this.leaseFrom < this.leaseMs;
  }

  get(id: string): CachedSession<U> | undefined {
    if (!this.usable()) return undefined;
    const hit = this.entries.get(id);
    if (hit && Date.now() - hit.at > this.maxAgeMs) {
      this.entries.drop(id);
      return undefined;
    }
    return hit;
  }

  /** The generation to pass to `set` with what a look-up started now reads. */
  readGeneration(): number {
    return this.generation;
  }

  lookup(id: string): Promise<SessionWithUser | undefined> {
    return this.opts.read(id);
  }

  /** Cache a session read since `generation` (from `readGeneration`), unless a change arrived meanwhile. */
  set(id: string, user: U, expiresAt: number, generation?: number) {
    if (generation !== this.generation || !this.usable()) return;
    this.entries.put(id, { user: Object.freeze({ ...user }), expiresAt, at: Date.now() });
  }

  drop(id: string) {
    this.entries.drop(id);
  }

  dropUser(userId: number) {
    this.entries.dropUser(userId);
  }

  clear() {
    this.generation++;
    this.entries.clear();
  }

  /** Hits, misses, invalidations, fences and fences that ended without every acknowledgement. */
  get stats() {
    return { ...this.entries.stats, ...this.fenceStats };
  }

  get size() {
    return this.entries.size;
  }

  /** Other instances heard from lately (a fence waits for each). */
  get peerCount() {
    return this.peers.size;
  }

  /** Is the cache in use (listening, lease held)? */
  get active() {
    return this.usable();
  }

  /** Stop using the cache and listening; other instances stop waiting for this one. */
  async close() {
    if (this.closed) return;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.listener;
    const wasListening = this.listening;
    this.listening = false;
    this.clear();
    if (client && wasListening)
      await within(client.query('select pg_notify($1, $2)', [SESSION_CACHE_CHANNEL, `q:${this.self}`]), 1_000);
    await this.lost('closing');
  }
}
