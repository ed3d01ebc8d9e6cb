/**
 * The report worker thread's entry (started by db/sqlite/report-worker.ts; compiled on its own next
 * to the server, `dist/server/report-worker-thread.mjs`). It opens its own read-only connection to
 * the database file and answers report jobs, one at a time, with the same repository and report code
 * the API would run in the process (api/reports/jobs.ts). Reads in WAL mode never block the server's
 * writes, nor wait for them; every job sees only committed data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportJobs, type ReportCatalog } from '../../api/reports/jobs.ts';
import { createDb } from './connection.ts';
import type { ReportJob } from '../report-runner.ts';
import { writeGeneration, type SqliteStorage } from './storage.ts';

const { file, catalog, cacheKiB } = workerData as { file: string; catalog: ReportCatalog; cacheKiB: number };
const { db, sqlite } = createDb(file, { readonly: true });
// Its own page cache, bounded (the process's memory budget is shared with the server).
sqlite.pragma(`cache_size = -${cacheKiB}`);
// A read-only connection changes nothing: its generation moves only with other connections' commits.
// The facts query needs the raw connection (db/repos/reports.ts): the worker's own, read-only.
const storage = { engine: 'sqlite', sqlite } as Pick<SqliteStorage, 'engine' | 'sqlite'>;
const handle = reportJobs({ db, storage, catalog, generation: () => writeGeneration(sqlite) });

parentPort!.on('message', (m: { id: number; job: ReportJob } | 'close') => {
  if (m === 'close') {
    void db.destroy().finally(() => parentPort!.close());
    return;
  }
  handle(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, ok: true, result }),
    (e: unknown) => parentPort!.postMessage({ id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
  );
});
