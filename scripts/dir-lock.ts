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

/** One attempt at taking the lock; breaks it first when it is stale. */
function tryTake(lock: string, staleMs: number): boolean {
  try {
    fs.mkdirSync(lock);
    return true;
  } catch {
    const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > staleMs) fs.rmSync(lock, { recursive: true, force: true });
    return false;
  }
}

function prepare(lockDir: string, waitMs: number) {
  const lock = path.resolve(lockDir);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  return { lock, deadline: Date.now() + waitMs };
}

/** Run `fn` holding the lock folder `lockDir` (created, then removed even when `fn` throws). */
export function withDirLock<T>(
  lockDir: string,
  fn: () => T,
  { waitMs = 15 * 60_000, staleMs = 10 * 60_000, what = 'another build' }: DirLockOptions = {},
): T {
  const { lock, deadline } = prepare(lockDir, waitMs);
  while (!tryTake(lock, staleMs)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (lock ${lockDir})`);
    sleep(250);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * The same for async work that may outlast `staleMs` (benchmark builds): waits without blocking the
 * event loop and keeps the lock folder fresh while `fn` runs.
 */
export async function withDirLockAsync<T>(
  lockDir: string,
  fn: () => Promise<T>,
  { waitMs = 15 * 60_000, staleMs = 10 * 60_000, what = 'another build' }: DirLockOptions = {},
): Promise<T> {
  const { lock, deadline } = prepare(lockDir, waitMs);
  while (!tryTake(lock, staleMs)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (lock ${lockDir})`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const touch = setInterval(() => fs.utimesSync(lock, new Date(), new Date()), Math.min(60_000, staleMs / 3));
  try {
    return await fn();
  } finally {
    clearInterval(touch);
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
