/** The lock that makes builds of one checkout take turns (scripts/dir-lock.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withDirLock, withDirLockAsync } from '../../scripts/dir-lock.ts';

describe('withDirLock', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-lock-'));
  const lock = path.join(dir, 'sub', 'build.lock');

  it('runs the function holding the lock, returns its value and releases the lock', () => {
    const seen = withDirLock(lock, () => fs.existsSync(lock));
    expect(seen).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('releases the lock when the function throws', () => {
    expect(() =>
      withDirLock(lock, () => {
        throw new Error('build failed');
      }),
    ).toThrow('build failed');
    expect(fs.existsSync(lock)).toBe(false);
  });

  it('waits for a lock held by someone else, and gives up with a clear message', () => {
    fs.mkdirSync(lock);
    let ran = false;
    expect(() =>
      withDirLock(
        lock,
        () => {
          ran = true;
        },
        { waitMs: 600, what: 'the other build' },
      ),
    ).toThrow(/timed out waiting for the other build/);
    expect(ran).toBe(false);
    expect(fs.existsSync(lock)).toBe(true);
    fs.rmdirSync(lock);
  });

  it('breaks a lock left behind by a killed process', () => {
    fs.mkdirSync(lock);
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    expect(withDirLock(lock, () => 'built', { staleMs: 30_000, waitMs: 5_000 })).toBe('built');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

describe('withDirLockAsync', () => {
  const lock = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-lock-')), 'build.lock');

  it('lets async holders take turns, never two at once, and keeps a long hold fresh', async () => {
    let inside = 0;
    let most = 0;
    const hold = (ms: number) =>
      withDirLockAsync(
        lock,
        async () => {
          most = Math.max(most, ++inside);
          const before = fs.statSync(lock).mtimeMs;
          await new Promise((r) => setTimeout(r, ms));
          inside--;
          return fs.statSync(lock).mtimeMs > before;
        },
        { staleMs: 300 },
      );
    // The first hold outlasts staleMs: without refreshing, the others would break in.
    const [refreshed] = await Promise.all([hold(700), hold(50), hold(50)]);
    expect(most).toBe(1);
    expect(refreshed).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
  });
});
