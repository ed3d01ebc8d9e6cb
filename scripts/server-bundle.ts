/** The server compiled once (`dist/server/start.mjs`): running it from TypeScript through a loader costs ~60 MB of memory. */
import path from 'node:path';
import { buildSync } from 'esbuild';
import { REPORT_WORKER_ENTRY, workerBuildOptions } from '../db/report-worker.ts';

export const SERVER_BUNDLE = 'dist/server/start.mjs';

/** Compile `api/start.ts` (and the report worker thread's entry beside it) with its dependencies left external to `outfile` (keep the same folder depth as dist/server). */
export function bundleServer(outfile = SERVER_BUNDLE) {
  buildSync({
    entryPoints: ['api/start.ts'],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  // The report worker thread's entry, beside the server (db/report-worker.ts looks for it there).
  buildSync({
    ...workerBuildOptions('db/report-worker-thread.ts', path.join(path.dirname(outfile), REPORT_WORKER_ENTRY)),
    sourcemap: 'linked',
  });
}
