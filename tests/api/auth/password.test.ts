import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../../api/auth/password.ts';

/** Median time of `n` runs of `f`, in ms. */
async function median(n: number, f: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[n >> 1]!;
}

describe('password verification', () => {
  it('an imported account waiting for its set-up link costs the same Argon2 work as any other (no timing oracle)', async () => {
    const real = await hashPassword('the real password');
    await verifyPassword(real, 'warm up');
    await verifyPassword('!imported:warm', 'warm up');
    const normal = await median(5, () => verifyPassword(real, 'a wrong guess'));
    const imported = await median(5, () => verifyPassword('!imported:abcdefghijklmnop', 'a wrong guess'));
    const erased = await median(5, () => verifyPassword('!erased', 'a wrong guess'));
    // Without the dummy verification these answer in microseconds; Argon2id (19 MiB, t=2) takes milliseconds.
    expect(imported).toBeGreaterThan(normal * 0.4);
    expect(erased).toBeGreaterThan(normal * 0.4);
  });

  it('never accepts a password for an account without a usable hash', async () => {
    expect(await verifyPassword('!imported:x', 'anything')).toBe(false);
    expect(await verifyPassword(await hashPassword('right one'), 'right one')).toBe(true);
  });
});
