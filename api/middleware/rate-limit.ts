/**
 * A sliding-window counter per key, in memory. Windows expire by themselves, so an attacker can slow
 * an account's logins down but never lock it permanently; a successful login resets its account key.
 */
export class RateLimiter {
  private hits = new Map<string, number[]>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
    private now: () => number = Date.now,
  ) {}

  /** Seconds until the key may try again, or 0 when it may now. Does not count a hit. */
  retryAfter(key: string): number {
    const t = this.now();
    const list = (this.hits.get(key) ?? []).filter((h) => h > t - this.windowMs);
    if (list.length) this.hits.set(key, list);
    else this.hits.delete(key);
    if (list.length < this.max) return 0;
    return Math.max(1, Math.ceil((list[0]! + this.windowMs - t) / 1000));
  }

  hit(key: string) {
    const list = this.hits.get(key) ?? [];
    list.push(this.now());
    this.hits.set(key, list);
    if (this.hits.size > 50_000) this.prune();
  }

  reset(key: string) {
    this.hits.delete(key);
  }

  private prune() {
    const cutoff = this.now() - this.windowMs;
    for (const [k, v] of this.hits) if (!v.some((h) => h > cutoff)) this.hits.delete(k);
  }
}
