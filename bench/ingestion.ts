/**
 * `BENCH_ONLY=ingestion npm run bench`: the one comparison of issue #12, in about a minute. Single-event
 * `POST /api/progress/events` against the bare ceiling (`bench/bare-server.ts`, synchronous=NORMAL),
 * in interleaved rounds on the full-scale seed, nothing else (no site build, no Lighthouse, no export).
 *
 * The server is compiled from the current sources with the same esbuild options as the site build's
 * server bundle (scripts/build.ts), into `.tmp/bench-server/start.mjs` (the same depth as
 * `dist/server/start.mjs`, so relative paths resolve alike), and run with `npm start`'s node flags and
 * environment. `BENCH_PROFILE=1` runs it with `--cpu-prof` (profile in `.tmp/bench-server-profile/`);
 * `BENCH_ROUNDS` / `BENCH_ROUND_SECONDS` change the rounds (default 3 × 5 s); `BENCH_ENTRY=<file.mjs>`
 * runs that server bundle instead (e.g. an earlier build, to compare before and after). BENCH_QUICK=1 keeps its
 * small seed. Prints the figures; writes nothing in the checkout besides `.tmp/`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { focusedServer } from './focused-server.ts';
import { contentFsFrom, loadCatalog } from '../courses/catalog.ts';
import { fullStack, startBare, type LoadSettings } from './api.ts';
import { benchScale, seedScale } from './seed-scale.ts';

/** Run the ingestion comparison and print it. */
export async function benchIngestion(opts: { quick: boolean; password: string; log: (m: string) => void }) {
  const { log } = opts;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-bench-ingest-'));
  const settings: LoadSettings = {
    duration: 5,
    rounds: Number(process.env.BENCH_ROUNDS ?? 3),
    roundSeconds: Number(process.env.BENCH_ROUND_SECONDS ?? 5),
    warmup: 2,
    connections: 50,
    sessions: opts.quick ? 40 : 200,
    attemptLearners: 0,
  };
  const scale = benchScale(opts.quick);
  try {
    const { entry, nodeArgs, profileDir } = focusedServer('bench-server');
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
        only: 'ingestion',
        entry,
        nodeArgs,
      });
      await full.server.stop();
      const ingest = full.scenarios.find((x) => x.name === 'ingest-1')!;
      log(
        `\nceiling ${full.ceiling} req/s; ingest-1 ${ingest.rps} req/s (rounds ${ingest.roundsRps?.join(' / ')}), × ceiling ${ingest.ratioToCeiling}, server CPU ${ingest.serverCpuUsPerRequest ?? '?'} µs per request, p50 ${ingest.p50} ms, p99 ${ingest.p99} ms, errors ${ingest.errors}, non-2xx ${ingest.non2xx}, server RSS ≤ ${ingest.serverRssMB} MB, load average ${os.loadavg()[0]!.toFixed(2)}`,
      );
      if (nodeArgs.length) log(`CPU profile in ${profileDir}`);
    } finally {
      for (const b of bare) await b.server.stop();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
