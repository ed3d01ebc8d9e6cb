/**
 * WORKERS=N (api/cluster.ts): N processes share one port, a crashed one is replaced, SIGTERM stops
 * them all gracefully (requests in flight are answered), and a worker that keeps dying stops the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';

function startSupervisor(env: Record<string, string>) {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/cluster/primary.ts'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  afterAll(() => {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  });
  const port = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line:\n${out}`)), 60_000);
    proc.stdout!.on('data', () => {
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return { proc, port, exited, output: () => out };
}

const pidsSeen = async (port: number, n: number) => {
  const pids = new Set<string>();
  for (let i = 0; i < n; i++)
    pids.add(await (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text());
  return pids;
};

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('WORKERS=N supervisor', () => {
  it('shares one port among N workers, replaces a crashed one, and stops all on SIGTERM after in-flight requests', async () => {
    const s = startSupervisor({ WORKERS: '2' });
    const port = await s.port;
    const first = await pidsSeen(port, 20);
    expect(first.size).toBe(2);

    await fetch(`http://127.0.0.1:${port}/crash`).catch(() => null);
    let after = new Set<string>();
    for (let i = 0; i < 50 && ![...after].some((p) => !first.has(p)); i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await pidsSeen(port, 10);
    }
    // A new process took the dead one's place; two still answer.
    expect([...after].some((p) => !first.has(p))).toBe(true);
    expect(s.output()).toMatch(/worker \d+ stopped \(exit code 7\); starting another/);
    const workers = [...(await pidsSeen(port, 20))].map(Number);
    expect(workers.length).toBe(2);

    const slow = fetch(`http://127.0.0.1:${port}/slow`).then((r) => r.status);
    await new Promise((r) => setTimeout(r, 150));
    s.proc.kill('SIGTERM');
    expect(await slow).toBe(200);
    expect(await s.exited).toBe(0);
    expect(s.output()).toContain('supervisor exit 0');
    for (const pid of workers) expect(alive(pid)).toBe(false);
  }, 120_000);

  it('stops with a non-zero code when workers keep dying', async () => {
    // A fixed port, as in production: with PORT=0 a lone worker's replacement would get a new random port.
    const s = startSupervisor({
      WORKERS: '1',
      MAX_CRASHES: '2',
      PORT: String(30000 + Math.floor(Math.random() * 20000)),
    });
    const port = await s.port;
    let done = false;
    void s.exited.then(() => (done = true));
    // Crash every worker that comes up (a request may find none listening between two of them).
    for (let i = 0; i < 60 && !done; i++) {
      await fetch(`http://127.0.0.1:${port}/crash`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(await s.exited).toBe(1);
    expect(s.output()).toMatch(/workers died 3 times within 60 s; stopping/);
  }, 120_000);
});
