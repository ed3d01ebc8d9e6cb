/**
 * Rate limits in bounded memory (ASVS 5.0 V2.4.1 anti-automation; OWASP Authentication Cheat Sheet,
 * "Login Throttling").
 *
 * Each key has a sliding-window counter approximated from two fixed windows (the current count plus
 * the previous window's count weighted by how much of it still overlaps the sliding window), so a key
 * costs three numbers instead of one timestamp per hit. The keys live in a fixed-size LRU: slots in
 * preallocated typed arrays linked into a recency list, and a `Map` from key to slot. Every operation
 * is O(1) (a `Map`'s own insertion order is not used: in V8, finding its oldest entry after many
 * deletions walks over their holes). When full, the least recently used key gives up its slot, so an
 * attacker who floods the limiter with fresh keys (rotated addresses) only evicts counters nobody has
 * used lately, and memory stays `capacity` slots whatever arrives. The arrays grow (doubling) with the
 * keys actually seen, so a quiet limiter holds a few KB, not `capacity` slots (a server has a dozen).
 */

/** Keys kept per limiter unless told otherwise (~100 bytes each: a few MB at most). */
export const DEFAULT_CAPACITY = 50_000;

const NONE = -1;
/** Slots a limiter starts with (doubling as keys arrive, up to its capacity). */
const INITIAL_SLOTS = 256;

export class RateLimiter {
  private index = new Map<string, number>();
  private keys: string[] = [];
  /** Start of the current fixed window (ms), hits in it, and hits in the window before, per slot. */
  private start: Float64Array;
  private cur: Float64Array;
  private prev: Float64Array;
  /** The recency list: `head` is the most recently used slot, `tail` the least. */
  private newer: Int32Array;
  private older: Int32Array;
  private head = NONE;
  private tail = NONE;

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private now: () => number = Date.now,
    readonly capacity = DEFAULT_CAPACITY,
  ) {
    const n = Math.min(capacity, INITIAL_SLOTS);
    this.start = new Float64Array(n);
    this.cur = new Float64Array(n);
    this.prev = new Float64Array(n);
    this.newer = new Int32Array(n);
    this.older = new Int32Array(n);
  }

  /** Room for slot `i` (< capacity): the arrays doubled, up to `capacity`. */
  private reserve(i: number) {
    if (i < this.start.length) return;
    const n = Math.min(this.capacity, Math.max(i + 1, this.start.length * 2));
    const grow = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T) => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.start = grow(this.start, (k) => new Float64Array(k));
    this.cur = grow(this.cur, (k) => new Float64Array(k));
    this.prev = grow(this.prev, (k) => new Float64Array(k));
    this.newer = grow(this.newer, (k) => new Int32Array(k));
    this.older = grow(this.older, (k) => new Int32Array(k));
  }

  /** How many keys are held (never more than `capacity`). */
  get size() {
    return this.index.size;
  }

  /** The slot of `key` with its counts rolled forward to `t`, or NONE. */
  private slot(key: string, t: number): number {
    const i = this.index.get(key);
    if (i === undefined) return NONE;
    const elapsed = t - this.start[i]!;
    if (elapsed >= 2 * this.windowMs) {
      this.start[i] = t - (elapsed % this.windowMs);
      this.prev[i] = 0;
      this.cur[i] = 0;
    } else if (elapsed >= this.windowMs) {
      this.start[i] = this.start[i]! + this.windowMs;
      this.prev[i] = this.cur[i]!;
      this.cur[i] = 0;
    }
    return i;
  }

  /** Weighted hits in the sliding window ending at `t`. */
  private count(i: number, t: number) {
    return this.cur[i]! + this.prev[i]! * (1 - (t - this.start[i]!) / this.windowMs);
  }

  private unlink(i: number) {
    const n = this.newer[i]!;
    const o = this.older[i]!;
    if (n !== NONE) this.older[n] = o;
    else this.head = o;
    if (o !== NONE) this.newer[o] = n;
    else this.tail = n;
  }

  private pushFront(i: number) {
    this.newer[i] = NONE;
    this.older[i] = this.head;
    if (this.head !== NONE) this.newer[this.head] = i;
    this.head = i;
    if (this.tail === NONE) this.tail = i;
  }

  /** Seconds until the key may try again, or 0 when it may now. Does not count a hit. */
  retryAfter(key: string): number {
    const t = this.now();
    const i = this.slot(key, t);
    if (i === NONE || this.count(i, t) < this.max) return 0;
    const cur = this.cur[i]!;
    const start = this.start[i]!;
    // When the sliding count falls below `max` again: within this window if the previous window's
    // weight is what holds it up, otherwise once the window has rolled and its own hits fade enough.
    const wait =
      cur >= this.max
        ? start + this.windowMs - t + this.windowMs * (1 - this.max / cur)
        : start + this.windowMs * (1 - (this.max - cur) / this.prev[i]!) - t;
    return Math.max(1, Math.ceil(wait / 1000));
  }

  /** Count one hit (O(1)); the key becomes the most recently used. */
  hit(key: string) {
    const t = this.now();
    let i = this.slot(key, t);
    if (i !== NONE) this.unlink(i);
    else {
      if (this.keys.length < this.capacity) this.reserve((i = this.keys.length));
      else {
        // Full: the least recently used key gives up its slot.
        i = this.tail;
        this.unlink(i);
        this.index.delete(this.keys[i]!);
      }
      this.keys[i] = key;
      this.index.set(key, i);
      this.start[i] = t;
      this.cur[i] = 0;
      this.prev[i] = 0;
    }
    this.cur[i] = this.cur[i]! + 1;
    this.pushFront(i);
  }

  /**
   * Check and count in one synchronous step: true when the hit was allowed and is now counted, false
   * (nothing counted) when the key is at its limit. Used to reserve a slot before any `await`, so
   * requests in flight together cannot all pass the check before any of them is counted.
   */
  take(key: string): boolean {
    if (this.retryAfter(key) > 0) return false;
    this.hit(key);
    return true;
  }

  /** Give back one hit counted in the current window (a reserved slot that turned out not to be a failure). */
  release(key: string) {
    const i = this.slot(key, this.now());
    if (i !== NONE && this.cur[i]! > 0) this.cur[i] = this.cur[i]! - 1;
  }

  /** Forget the key's hits (its slot stays allocated until reused). */
  reset(key: string) {
    const i = this.index.get(key);
    if (i === undefined) return;
    this.cur[i] = 0;
    this.prev[i] = 0;
  }
}

/**
 * The rate-limit key of a client address. IPv6 is keyed by its /64 prefix: one subscriber usually
 * holds a whole /64 and can rotate through 2^64 addresses, so per-address limits on full IPv6
 * addresses would not limit anything. IPv4-mapped IPv6 (`::ffff:192.0.2.1`) counts as its IPv4.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const bare = ip.replace(/%.*$/, '').toLowerCase();
  const [head = '', tail] = bare.split('::', 2) as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  // An embedded IPv4 tail (`64:ff9b::192.0.2.1`) only touches the last 32 bits, never the /64 prefix.
  const groups = tail === undefined ? left : [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0')];
  const prefix = groups.slice(0, 4).map((g) => (parseInt(g || '0', 16) || 0).toString(16));
  while (prefix.length < 4) prefix.push('0');
  return `${prefix.join(':')}::/64`;
}
