import { describe, expect, it } from 'vitest';
import { ProgressQuota } from '../../../api/middleware/progress-quota.ts';
import { AppError } from '../../../api/errors.ts';

const refused = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return e instanceof AppError ? e.status : 'other error';
  }
  return 'allowed';
};

describe('progress token bucket', () => {
  it('a burst, then the rate per minute, per learner', () => {
    const q = new ProgressQuota({ burst: 1000, perMinute: 300, perModule: 2000 });
    const t0 = 1_800_000_000_000;
    expect(refused(() => q.take(1, 1000, t0))).toBe('allowed');
    expect(refused(() => q.take(1, 1, t0))).toBe(429);
    expect(refused(() => q.take(2, 500, t0))).toBe('allowed');
    expect(refused(() => q.take(1, 300, t0 + 60_000))).toBe('allowed');
    expect(refused(() => q.take(1, 5, t0 + 60_000))).toBe(429);
    // Refilled to the burst, never beyond it.
    expect(refused(() => q.take(1, 1000, t0 + 3_600_000))).toBe('allowed');
    expect(refused(() => q.take(1, 1, t0 + 3_600_000))).toBe(429);
  });
});
