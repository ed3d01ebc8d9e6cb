/**
 * A lock between processes of this checkout (builds, test runs, benchmarks): `mkdir` succeeds for one
 * of them at a time. A lock older than `staleMs` is taken to be left by a killed process and broken.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface DirLockOptions {
  /** Give up (throw) after waiting this long. */
  waitMs?: number;
  /** Break a lock folder older than this. */
  staleMs?: number;
  /** What is waited for, for the timeout message. */
  what?: string;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Run `fn` holding the lock folder `lockDir` (created, then removed even when `fn` throws). */
export function withDirLock<T>(lockDir: string, fn: () => T, { waitMs = 15 * 60_000, staleMs = 10 * 60_000, what = 'another build' }: DirLockOptions = {}): T {
  const lock = path.resolve(lockDir);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (lock ${lockDir})`);
      sleep(250);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
