/** The rate limiter: bounded memory, O(1) per hit, IPv6 keyed by /64 (issue #19 item 4). */
import { describe, expect, it } from 'vitest';
import { addressKey, RateLimiter } from '../../../api/middleware/rate-limit.ts';

describe('RateLimiter', () => {
  it('stays under 64 MB of heap and bounded in size while 1,000,000 distinct keys hit it', () => {
    const t = 1_700_000_000_000;
    const limiter = new RateLimiter(5, 15 * 60 * 1000, () => t, 50_000);
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++) limiter.hit(`2001:db8:${i.toString(16)}::/64`);
    const ms = performance.now() - started;
    const grown = process.memoryUsage().heapUsed - before;
    expect(limiter.size).toBeLessThanOrEqual(50_000);
    expect(grown).toBeLessThan(64 * 1024 * 1024);
    // O(1) per hit: ~1 s on an idle 2-core machine; the O(n) eviction it replaced took 90 s. Generous for a busy one.
    expect(ms).toBeLessThan(45_000);
  }, 120_000);

  it('evicts the least recently used key, not a key in use', () => {
    const limiter = new RateLimiter(1, 60_000, () => 0, 3);
    limiter.hit('a');
    limiter.hit('b');
    limiter.hit('c');
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
    limiter.hit('a'); // a is now the most recent
    limiter.hit('d'); // evicts b
    expect(limiter.retryAfter('b')).toBe(0);
    expect(limiter.retryAfter('a')).toBeGreaterThan(0);
  });

  it('grows its slots with the keys it sees: counts and recency survive each growth, and a full one still evicts the oldest', () => {
    const limiter = new RateLimiter(2, 60_000, () => 0, 1_000);
    limiter.hit('first');
    limiter.hit('first'); // at its limit
    // Past the initial slots and every doubling up to the capacity.
    for (let i = 0; i < 999; i++) limiter.hit(`k${i}`);
    expect(limiter.size).toBe(1_000);
    expect(limiter.retryAfter('first')).toBeGreaterThan(0);
    limiter.hit('k0'); // k0 becomes the most recent; `first` stays the least recently used
    limiter.hit('new');
    expect(limiter.size).toBe(1_000);
    expect(limiter.retryAfter('first')).toBe(0); // evicted
    limiter.hit('k0');
    expect(limiter.retryAfter('k0')).toBeGreaterThan(0); // kept: its earlier hits still count
  });

  it('counts over a sliding window and forgets once it has passed', () => {
    let t = 0;
    const limiter = new RateLimiter(3, 60_000, () => t);
    for (let i = 0; i < 3; i++) expect(limiter.take('k')).toBe(true);
    expect(limiter.take('k')).toBe(false);
    expect(limiter.retryAfter('k')).toBeGreaterThan(0);
    expect(limiter.retryAfter('k')).toBeLessThanOrEqual(120);
    t = 30_000;
    expect(limiter.take('k')).toBe(false);
    t = 125_000;
    expect(limiter.take('k')).toBe(true);
    limiter.release('k');
    expect(limiter.retryAfter('k')).toBe(0);
  });
});

describe('addressKey', () => {
  it('keys IPv6 by its /64, so rotating the interface id does not escape the limit', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:DB8:0001:0002::')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
  it('keeps IPv4 as it is, including IPv4-mapped IPv6', () => {
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
    expect(addressKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
  });
  it('a /64 shares one login limit', () => {
    const limiter = new RateLimiter(2, 60_000, () => 0);
    limiter.hit(addressKey('2001:db8:1:2::a'));
    limiter.hit(addressKey('2001:db8:1:2::b'));
    expect(limiter.retryAfter(addressKey('2001:db8:1:2::c'))).toBeGreaterThan(0);
  });
});
