/**
 * The session cache on PostgreSQL: the same in-process cache as on SQLite (a signed-in request does
 * not read `sessions ⋈ users`), kept correct across every API instance of one database by
 * PostgreSQL's LISTEN/NOTIFY.
 *
 * - **What changed.** Triggers (migration `…-session-cache-notify`) send `u:<user id>` on every UPDATE
 *   or DELETE of `users` and `s:<session id>` on every UPDATE or DELETE of `sessions`, at COMMIT,
 *   whichever instance, CLI or `psql` made the change. Every instance listens on its own connection
 *   and drops what they name. A read that was in flight while a change arrived is not cached.
 * - **Refused on the very next request.** A request that changed `users` or `sessions` (counted by
 *   `ChangeWatcher` below) is answered only after a fence: the instance sends `f:<self>:<n>` and waits
 *   until its own listener has seen it and every other live instance has acknowledged it
 *   (`a:<origin>:<n>:<peer>`). Notifications reach each listener in commit order, so an instance that
 *   acknowledges the fence has already dropped what the change named: by the time the client hears
 *   that a session ended or a role changed, no instance will honour the old one.
 * - **Who is live.** Each instance sends a heartbeat `h:<self>` every few seconds; peers not heard from
 *   for three beats are no longer waited for; `q:<self>` says an instance is closing. The fence waits
 *   at most `fenceTimeoutMs` for a peer that stopped answering.
 * - **When it cannot know.** Until the listener runs, after it loses its connection, or when its own
 *   heartbeat does not come back in time, the cache is emptied and not used (every request reads the
 *   database, as without a cache) until listening again. Entries also expire after `maxAgeMs`.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { CachedSession, SessionCachePort } from '../storage.ts';
import { SessionEntries } from '../session-entries.ts';
import type { SessionWithUser } from '../repos/sessions.ts';
import type { Role } from '../schema.ts';

export const SESSION_CACHE_CHANNEL = 'oberih_session_cache';
/** The tables whose changes the triggers announce. */
const WATCHED = new Set(['users', 'sessions']);

type CachedUser = { id: number; role: Role };

export interface PgSessionCacheOptions {
  /** Connection string of the primary (LISTEN does not work on a standby). */
  url: string;
  /** Client settings for the listening connection (type parsers, timeouts). */
  client?: Omit<pg.ClientConfig, 'connectionString'>;
  /** Run one statement on the pool (heartbeats, fences, acknowledgements). */
  notify: (payload: string) => Promise<unknown>;
  /** The session look-up (the pool's `sessionsRepo.withUser`). */
  read: (id: string) => Promise<SessionWithUser | undefined>;
  max?: number;
  /** An entry older than this is read again. @defaultValue 60 s */
  maxAgeMs?: number;
  /** Heartbeat period. @defaultValue 5 s */
  heartbeatMs?: number;
  /** Longest wait for acknowledgements. @defaultValue 2 s */
  fenceTimeoutMs?: number;
  /** Told when the cache stops or starts being used, and when a fence times out. */
  onEvent?: (event: 'listening' | 'lost' | 'fence-timeout', detail?: string) => void;
}

/**
 * Counts statements this process ran that UPDATE or DELETE `users` or `sessions` (a Kysely plugin on
 * the primary): a request during which the count moved ends with a fence.
 */
export class ChangeWatcher implements KyselyPlugin {
  count = 0;
  private readonly pending = new WeakSet<object>();
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (touchesWatched(args.node)) this.pending.add(args.queryId);
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    if (this.pending.has(args.queryId)) this.count++;
    return args.result;
  }
}

function tableName(node: unknown): string | undefined {
  const n = node as { kind?: string; node?: unknown; table?: { identifier?: { name?: string } } };
  if (n?.kind === 'AliasNode') return tableName(n.node);
  if (n?.kind === 'TableNode') return n.table?.identifier?.name;
  return undefined;
}

function touchesWatched(node: RootOperationNode): boolean {
  if (node.kind === 'UpdateQueryNode') return WATCHED.has(tableName(node.table) ?? '');
  if (node.kind === 'DeleteQueryNode') return node.from.froms.some((f) => WATCHED.has(tableName(f) ?? ''));
  return false;
}

export class PgSessionCache<U extends CachedUser = CachedUser> implements SessionCachePort<U> {
  private readonly entries: SessionEntries<U, CachedSession<U> & { at: number }>;
  /** Moves with every change notification: a read that began before a move is not cached. */
  private generation = 0;
  private readonly readsSince = new Map<string, number>();
  private listener: pg.Client | null = null;
  private listening = false;
  private closed = false;
  private readonly self = crypto.randomBytes(6).toString('hex');
  private readonly peers = new Map<string, number>();
  private fenceSeq = 0;
  private readonly fences = new Map<number, { own: boolean; waiting: Set<string>; done: () => void }>();
  private beatTimer: NodeJS.Timeout | null = null;
  private beatSent = 0;
  private beatSeen = 0;
  private retryMs = 500;
  private retryTimer: NodeJS.Timeout | null = null;
  readonly fenceStats = { fences: 0, fenceTimeouts: 0 };
  private readonly maxAgeMs: number;
  private readonly heartbeatMs: number;
  private report: (event: 'listening' | 'lost' | 'fence-timeout', detail?: string) => void;

  constructor(
    private readonly opts: PgSessionCacheOptions,
    private readonly watcher: ChangeWatcher,
  ) {
    this.entries = new SessionEntries(opts.max ?? 10_000);
    this.maxAgeMs = opts.maxAgeMs ?? 60_000;
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.report = opts.onEvent ?? (() => {});
  }

  /** Start listening; resolves once the cache is in use (or rejects when the first connection fails; it keeps retrying). */
  async start(report?: (event: string, detail?: string) => void): Promise<void> {
    if (report) this.report = report;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ ...this.opts.client, connectionString: this.opts.url });
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
    this.retryMs = 500;
    this.report('listening');
    this.beatSeen = this.beatSent;
    this.beat();
    this.beatTimer = setInterval(() => this.beat(), this.heartbeatMs);
    this.beatTimer.unref();
  }

  /** Stop using the cache and reconnect (backing off up to 30 s); resolves when the old connection is closed. */
  private lost(why: string): Promise<void> {
    const client = this.listener;
    this.listener = null;
    const was = this.listening;
    this.listening = false;
    this.clear();
    if (this.beatTimer) clearInterval(this.beatTimer);
    this.beatTimer = null;
    for (const f of this.fences.values()) f.done();
    const ended = client ? client.end().catch(() => {}) : Promise.resolve();
    if (was) this.report('lost', why);
    if (this.closed || this.retryTimer) return ended;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect().catch(() => {});
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, 30_000);
    return ended;
  }

  /** A heartbeat: announces this instance, and proves the listener still hears the database. */
  private beat() {
    if (this.beatSent !== this.beatSeen) {
      void this.lost('its own heartbeat did not come back');
      return;
    }
    this.beatSent++;
    this.opts.notify(`h:${this.self}:${this.beatSent}`).catch(() => {});
    const now = Date.now();
    for (const [peer, seen] of this.peers) if (now - seen > 3 * this.heartbeatMs) this.peers.delete(peer);
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
      case 'h':
        if (a === this.self) this.beatSeen = Math.max(this.beatSeen, Number(b));
        else this.peers.set(a!, Date.now());
        break;
      case 'q':
        this.peers.delete(a!);
        for (const f of this.fences.values()) this.settle(f, a!);
        break;
      case 'f':
        if (a === this.self) {
          const f = this.fences.get(Number(b));
          if (f) {
            f.own = true;
            this.settle(f);
          }
        } else {
          // Every change notification before this one has been handled: say so.
          this.peers.set(a!, Date.now());
          this.opts.notify(`a:${a}:${b}:${this.self}`).catch(() => {});
        }
        break;
      case 'a':
        if (a === this.self) {
          const f = this.fences.get(Number(b));
          if (f) this.settle(f, c);
        }
        break;
    }
  }

  private settle(f: { own: boolean; waiting: Set<string>; done: () => void }, peer?: string) {
    if (peer) f.waiting.delete(peer);
    if (f.own && !f.waiting.size) f.done();
  }

  /** Changes to `users`/`sessions` this process has made (see `ChangeWatcher`). */
  localChanges(): number {
    return this.watcher.count;
  }

  /**
   * Resolve once every live instance has handled every change notification committed before this
   * call (or after `fenceTimeoutMs`, or at once when this instance is not listening).
   */
  async fence(): Promise<void> {
    if (!this.listening) return;
    const n = ++this.fenceSeq;
    this.fenceStats.fences++;
    const waiting = new Set(this.peers.keys());
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      const entry = {
        own: false,
        waiting,
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
          entry.own ? `no acknowledgement from ${[...entry.waiting].join(', ')}` : 'own listener',
        );
        // A peer that does not answer is no longer waited for (it is gone, or it will empty its own
        // cache when its heartbeat fails).
        for (const p of entry.waiting) this.peers.delete(p);
        entry.done();
      }, this.opts.fenceTimeoutMs ?? 2_000);
      this.opts.notify(`f:${this.self}:${n}`).catch(() => entry.done());
    });
  }

  get(id: string): CachedSession<U> | undefined {
    if (!this.listening) return undefined;
    const hit = this.entries.get(id);
    if (hit && Date.now() - hit.at > this.maxAgeMs) {
      this.entries.drop(id);
      return undefined;
    }
    return hit;
  }

  /** Read the session; the generation at the start decides whether `set` may cache what it read. */
  lookup(id: string): Promise<SessionWithUser | undefined> {
    if (this.readsSince.size > 10_000) this.readsSince.clear();
    this.readsSince.set(id, this.generation);
    return this.opts.read(id);
  }

  set(id: string, user: U, expiresAt: number) {
    const since = this.readsSince.get(id);
    this.readsSince.delete(id);
    if (!this.listening || since !== this.generation) return;
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

  /** Hits, misses, invalidations, fences and fences that timed out, for tests and the benchmark. */
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

  /** Is the cache in use (listening)? */
  get active() {
    return this.listening;
  }

  /** Stop listening; other instances stop waiting for this one. */
  async close() {
    if (this.closed) return;
    const wasListening = this.listening;
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (wasListening) await this.opts.notify(`q:${this.self}`).catch(() => {});
    await this.lost('closing');
  }
}
