/**
 * `BENCH_ONLY=submit npm run bench`: attempt start and attempt submit at 50 connections on the
 * full-scale seed, with the bare ceiling of the same run, the server's CPU per request and the
 * issue's target (submit p99 ≤ 3 × p50). A few minutes, most of it signing the learners in.
 *
 * The server is compiled from the current sources (bench/focused-server.ts); `BENCH_PROFILE=1` runs it
 * with `--cpu-prof` (profile in `.tmp/bench-submit-profile/`), `BENCH_ENTRY=<file.mjs>` runs an
 * earlier bundle. `BENCH_LEARNERS` (default 1,000; each starts one attempt per assessed course).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { focusedServer } from './focused-server.ts';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { fullStack, startBare, type LoadSettings } from './api.ts';
import { submitTarget } from './report.ts';
import { benchScale, seedScale } from './seed-scale.ts';

export async function benchSubmit(opts: { quick: boolean; password: string; log: (m: string) => void }) {
  const { log } = opts;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-bench-submit-'));
  const scale = benchScale(opts.quick);
  const settings: LoadSettings = {
    duration: 5,
    rounds: 1,
    roundSeconds: 5,
    warmup: 1,
    connections: 50,
    sessions: 0,
    attemptLearners: Math.min(Number(process.env.BENCH_LEARNERS ?? 1000), scale.fresh),
  };
  try {
    const { entry, nodeArgs, profileDir } = focusedServer('bench-submit');
    const catalog = loadCatalog(contentFsFrom(fs), 'content');
    const dataDir = path.join(work, 'data');
    const dbFile = path.join(dataDir, 'oberih.sqlite');
    const seed = await seedScale({ dbFile, dataDir, catalog, password: opts.password, ...scale });
    log(
      `seeded in ${seed.ms} ms; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    const siteDir = path.join(work, 'site');
    fs.mkdirSync(siteDir);
    const bare = await startBare(dbFile, 4, work, ['bare-normal']);
    try {
      const full = await fullStack({
        dataDir,
        dbFile,
        siteDir,
        seed,
        password: opts.password,
        catalog,
        bare,
        settings,
        work,
        log,
        only: 'submit',
        entry,
        nodeArgs,
      });
      await full.server.stop();
      const t = submitTarget(full.scenarios);
      log(`\nceiling ${full.ceiling} req/s; load average ${os.loadavg()[0]!.toFixed(2)}`);
      if (t) log(`${t.target}: ${t.measured} — ${t.met ? 'met' : 'not met'}`);
      if (nodeArgs.length) log(`CPU profile in ${profileDir}`);
    } finally {
      for (const b of bare) await b.server.stop();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
