/** Build the site and the compiled server when either is missing or older than its sources. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { readEnvOrExit } from '../api/config.ts';
import { isBuildStale } from './build-stamp.ts';
import { SERVER_BUNDLE } from './server-bundle.ts';

// A bad setting stops here with its one-line message, before anything is built or written.
const env = readEnvOrExit();
if (isBuildStale(env.SITE_DIR) || !fs.existsSync(SERVER_BUNDLE)) {
  console.log('Building the site and the server (first start or sources changed)…');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], {
    stdio: 'inherit',
    env: { ...process.env, SITE_OUT: env.SITE_DIR },
  });
  process.exit(r.status ?? 1);
}
