// `npm start`: rebuild the site and the compiled server when they are missing or older than their
// sources, then run the compiled server in this process (plain JavaScript: no TypeScript loader in
// the long-running server, which keeps its memory small).
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';

if (process.env.SKIP_BUILD !== '1') {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build-if-stale.ts'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import(pathToFileURL(path.resolve('dist/server/start.mjs')).href);
