/** The server compiled once (`dist/server/start.mjs`): running it from TypeScript through a loader costs ~60 MB of memory. */
import { buildSync } from 'esbuild';

export const SERVER_BUNDLE = 'dist/server/start.mjs';

/** Compile `api/start.ts` with its dependencies left external to `outfile` (keep the same folder depth as dist/server). */
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
}
