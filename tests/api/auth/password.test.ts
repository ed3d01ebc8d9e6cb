import { describe, expect, it, vi } from 'vitest';

// Record every Argon2 verification the module makes (with what hash), passing through to the real one.
const seen = vi.hoisted(() => ({ hashes: [] as string[] }));
vi.mock('@node-rs/argon2', async (importOriginal) => {
  const real = await importOriginal<typeof import('@node-rs/argon2')>();
  return {
    ...real,
    verify: (hash: string, password: string) => {
      seen.hashes.push(hash);
      return real.verify(hash, password);
    },
  };
});
const { dummyHash, hashPassword, verifyPassword } = await import('../../../api/auth/password.ts');

describe('password verification', () => {
  // Measured as work done, not time taken (timings belong in `npm run bench`): every account without
  // a usable hash costs one full Argon2id verification of the same parameters, so a wrong guess at an
  // imported or erased account takes as long as one at any other (no timing oracle, ASVS 5.0 6.3.8).
  it('an imported or erased account costs one full Argon2 verification, like any other', async () => {
    const real = await hashPassword('the real password');
    const dummy = await dummyHash();
    const params = (h: string) => h.split('$').slice(0, 4).join('$');
    expect(params(dummy)).toBe(params(real)); // same algorithm, version, memory, time and parallelism
    for (const stored of [real, '!imported:abcdefghijklmnop', '!erased']) {
      seen.hashes.length = 0;
      expect(await verifyPassword(stored, 'a wrong guess')).toBe(false);
      expect(seen.hashes).toEqual([stored.startsWith('$argon2') ? stored : dummy]);
    }
  });

  it('never accepts a password for an account without a usable hash', async () => {
    expect(await verifyPassword('!imported:x', 'anything')).toBe(false);
    expect(await verifyPassword(await hashPassword('right one'), 'right one')).toBe(true);
  });
});
