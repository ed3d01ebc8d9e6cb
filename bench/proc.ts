/**
 * Child processes for the benchmark: servers started and stopped by pid, memory read from
 * /proc/<pid>/status (VmRSS, VmHWM) of a process and of its whole tree (a build spawns Astro and
 * Pagefind as children), and the load generator in a process of its own.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadResult, LoadSpec } from './types.ts';

const MB = 1024 * 1024;
/** `node --import tsx <script>`: the pid is the script's own process (the tsx CLI would add a wrapper). */
export const tsxArgs = (script: string, ...args: string[]) => ['--import', 'tsx', script, ...args];

/** kB fields of /proc/<pid>/status, in bytes (0 when the process is gone). */
function status(pid: number): { rss: number; hwm: number } {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? 0) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

function children(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((t) =>
        fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number),
      );
  } catch {
    return [];
  }
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  return all;
}

/**
 * Samples memory every `ms` until stopped: the peak of the process's own RSS (and its kernel high-water
 * mark, VmHWM, which catches peaks between samples), and the peak of the sum over its process tree.
 */
export function memoryWatch(pid: number, ms = 100) {
  let peakRss = 0;
  let hwm = 0;
  let peakTree = 0;
  let maxProcessHwm = 0;
  let peakSinceMark = 0;
  const sample = () => {
    const own = status(pid);
    peakRss = Math.max(peakRss, own.rss);
    peakSinceMark = Math.max(peakSinceMark, own.rss);
    hwm = Math.max(hwm, own.hwm);
    let sum = 0;
    for (const p of tree(pid)) {
      const s = status(p);
      sum += s.rss;
      maxProcessHwm = Math.max(maxProcessHwm, s.hwm);
    }
    peakTree = Math.max(peakTree, sum);
  };
  sample();
  const timer = setInterval(sample, ms);
  return {
    sample,
    stop() {
      clearInterval(timer);
      return {
        peakRssMB: peakRss / MB,
        hwmMB: hwm / MB,
        peakTreeRssMB: peakTree / MB,
        maxProcessHwmMB: maxProcessHwm / MB,
      };
    },
    current: () => ({ peakRssMB: peakRss / MB, hwmMB: hwm / MB, peakTreeRssMB: peakTree / MB }),
    /** The process's peak RSS since the last mark (MB), then start a new period. */
    mark() {
      sample();
      const peak = peakSinceMark / MB;
      peakSinceMark = 0;
      return Math.round(peak);
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms (0 when it is gone); from /proc/<pid>/stat. */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of proc(5), counted from the state (field 3) here, in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
/** `getconf CLK_TCK`: 100 on every Linux the benchmark runs on. */
const CLOCK_TICKS = 100;

export interface Measured {
  ok: boolean;
  code: number | null;
  seconds: number;
  /** Peak of the summed RSS of the process tree, sampled every 100 ms. */
  peakTreeRssMB: number;
  /** The largest VmHWM of any one process in the tree. */
  maxProcessHwmMB: number;
  output: string;
}

/** Run a command to completion, timing it and watching its tree's memory. */
export function runMeasured(
  cmd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Measured> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const proc = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const watch = memoryWatch(proc.pid!);
    let output = '';
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    proc.on('exit', (code) => {
      const mem = watch.stop();
      resolve({
        ok: code === 0,
        code,
        seconds: (performance.now() - t0) / 1000,
        peakTreeRssMB: mem.peakTreeRssMB,
        maxProcessHwmMB: mem.maxProcessHwmMB,
        output: output.slice(-4000),
      });
    });
  });
}

export interface Running {
  url: string;
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Start a server process and wait for `ready` (a regex whose group 1 is its URL) on stdout. */
export async function startProcess(
  args: string[],
  env: Record<string, string | undefined>,
  ready: RegExp,
  timeoutMs = 120_000,
): Promise<Running> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start in time:\n${out.slice(-2000)}`)), timeoutMs);
    proc.stdout!.on('data', () => {
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode) return resolve();
      const kill = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      proc.kill('SIGTERM');
    });
  return { url, proc, output: () => out, stop };
}

/** Run one load spec in the load generator's own process. */
export async function runLoad(spec: LoadSpec, workDir: string): Promise<LoadResult> {
  const file = path.join(workDir, `load-${process.hrtime.bigint()}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
    const p = spawn(process.execPath, tsxArgs('bench/load.ts', file), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout!.on('data', (d) => (out += d));
    p.stderr!.on('data', (d) => (err += d));
    p.on('exit', (code) => resolve({ code, out, err }));
  });
  fs.rmSync(file, { force: true });
  const line = r.out.trim().split('\n').at(-1) ?? '';
  if (r.code !== 0 || !line.startsWith('{'))
    throw new Error(`load generator failed (${r.code}):\n${r.err.slice(-2000)}${r.out.slice(-1000)}`);
  return JSON.parse(line) as LoadResult;
}

export const machine = () => {
  const cpu =
    /model name\s*:\s*(.+)/.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ??
    os.cpus()[0]?.model ??
    'unknown';
  const load = os.loadavg();
  return {
    nproc: os.availableParallelism(),
    cpu,
    memoryGB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    loadAverageAtStart: load.map((x) => Math.round(x * 100) / 100),
  };
};
