/**
 * The server a focused benchmark (`BENCH_ONLY=ingestion|report`) runs: `BENCH_ENTRY` (an earlier bundle,
 * to compare before and after) or the current sources compiled into `.tmp/<name>/start.mjs` (the same
 * folder depth as dist/server, so relative paths resolve alike); with `BENCH_PROFILE=1`, the node flags
 * that write a CPU profile into `.tmp/<name>-profile/`.
 */
import path from 'node:path';
import { bundleServer } from '../scripts/server-bundle.ts';

export function focusedServer(name: string): { entry: string; nodeArgs: string[]; profileDir: string } {
  const entry = path.resolve(process.env.BENCH_ENTRY || `.tmp/${name}/start.mjs`);
  if (!process.env.BENCH_ENTRY) bundleServer(entry);
  const profileDir = path.resolve(`.tmp/${name}-profile`);
  const nodeArgs = process.env.BENCH_PROFILE === '1' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  return { entry, nodeArgs, profileDir };
}
