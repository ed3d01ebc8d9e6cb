/**
 * The report worker thread's entry (started by db/report-worker.ts; compiled on its own next to the
 * server, `dist/server/report-worker-thread.mjs`). It opens its own connection and answers report jobs,
 * one at a time, with the same repository and report code the API would run in the process
 * (api/reports/jobs.ts):
 *
 * - SQLite: a read-only connection to the database file. Reads in WAL mode never block the server's
 *   writes, nor wait for them; every job sees only committed data.
 * - PostgreSQL: a pool of one connection to the read URL (the replica when there is one, as the
 *   process's own reports would read), with the server's statement timeout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { reportJobs, type ReportCatalog } from '../api/reports/jobs.ts';
import type { DB } from './connection.ts';
import { createPgDb } from './postgres/connection.ts';
import { walPosition } from './postgres/storage.ts';
import { databaseUnavailable, type ReportJob } from './report-runner.ts';
import type { ReportSource } from './report-worker.ts';
import { createDb } from './sqlite/connection.ts';
import { writeGeneration, type SqliteStorage } from './sqlite/storage.ts';
import type { Storage } from './storage.ts';

const { source, catalog } = workerData as { source: ReportSource; catalog: ReportCatalog };

function open(): { db: DB; storage: Pick<Storage, 'engine'>; generation: () => string | Promise<string> } {
  if (source.engine === 'postgres') {
    const { db } = createPgDb(source.url, {
      max: 1,
      statementTimeoutMs: source.statementTimeoutMs,
      connectTimeoutMs: source.connectTimeoutMs,
      applicationName: 'oberih-reports',
    });
    return { db, storage: { engine: 'postgres' }, generation: () => walPosition(db) };
  }
  const { db, sqlite } = createDb(source.file, { readonly: true });
  // Its own page cache, bounded (the process's memory budget is shared with the server).
  sqlite.pragma(`cache_size = -${source.cacheKiB}`);
  // A read-only connection changes nothing: its generation moves only with other connections' commits.
  // The facts query needs the raw connection (db/repos/reports.ts): the worker's own, read-only.
  const storage = { engine: 'sqlite', sqlite } as Pick<SqliteStorage, 'engine' | 'sqlite'>;
  return { db, storage, generation: () => writeGeneration(sqlite) };
}

const { db, storage, generation } = open();
const handle = reportJobs({ db, storage, catalog, generation });

parentPort!.on('message', (m: { id: number; job: ReportJob } | 'close') => {
  if (m === 'close') {
    void db.destroy().finally(() => parentPort!.close());
    return;
  }
  handle(m.job).then(
    (result) => parentPort!.postMessage({ id: m.id, ok: true, result }),
    (e: unknown) =>
      parentPort!.postMessage({
        id: m.id,
        ok: false,
        error: e instanceof Error ? e.message : String(e),
        database: databaseUnavailable(e),
      }),
  );
});
