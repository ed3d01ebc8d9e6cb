/**
 * `WORKERS=N` (PostgreSQL only): the primary process forks N server processes that share the port
 * (node:cluster hands connections to them in turn), restarts one that dies, and on SIGTERM or SIGINT
 * passes the signal on and waits for every worker's graceful stop. The primary itself serves nothing
 * and holds no database connection after its start-up checks.
 *
 * The first worker starts alone (it may seed the demo data); the others start once it is listening,
 * so two never race to create the same rows. Each worker reports its port with `{ listening: port }`.
 */
import cluster, { type Worker } from 'node:cluster';

export interface SupervisorOptions {
  workers: number;
  /** The script each worker runs (default: the current one). */
  exec?: string;
  /** Extra environment for the workers. */
  env?: Record<string, string>;
  /** A worker dying more often than this within `crashWindowMs` stops the whole server. @defaultValue 5 */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** How long a graceful stop may take before workers are killed. @defaultValue 10000 */
  stopTimeoutMs?: number;
  log?: (msg: string) => void;
  /** Called once when all workers listen, with the shared port. */
  onListening?: (port: number) => void;
}

/** Message a worker sends the primary once its server listens. */
export interface ListeningMessage {
  listening: number;
}

/** In a worker: tell the primary the server is listening. Does nothing outside a cluster. */
export function reportListening(port: number) {
  if (cluster.isWorker && process.send) process.send({ listening: port } satisfies ListeningMessage);
}

function isListening(m: unknown): m is ListeningMessage {
  return typeof m === 'object' && m !== null && typeof (m as ListeningMessage).listening === 'number';
}

/**
 * Run the primary's loop. Resolves with the exit code once every worker has stopped (after a signal,
 * or after too many crashes).
 */
export function superviseWorkers(opts: SupervisorOptions): Promise<number> {
  const log = opts.log ?? ((m: string) => console.error(m));
  const maxCrashes = opts.maxCrashes ?? 5;
  const window = opts.crashWindowMs ?? 60_000;
  if (opts.exec) cluster.setupPrimary({ exec: opts.exec });
  const live = new Set<Worker>();
  const listening = new Set<Worker>();
  const crashes: number[] = [];
  let stopping = false;
  let started = 0;
  let announced = false;
  let othersForked = false;
  let exitCode = 0;

  return new Promise<number>((resolve) => {
    const fork = () => {
      const w = cluster.fork({ ...opts.env, OBERIH_WORKER: String(++started) });
      live.add(w);
      w.on('message', (m: unknown) => {
        if (!isListening(m)) return;
        // The first worker is up: start the others (they find the demo seed, if any, already written).
        if (!othersForked) {
          othersForked = true;
          for (let i = 1; i < opts.workers; i++) fork();
        }
        listening.add(w);
        if (!announced && listening.size >= opts.workers) {
          announced = true;
          opts.onListening?.(m.listening);
        }
      });
      w.on('exit', (code, signal) => {
        live.delete(w);
        listening.delete(w);
        if (stopping) {
          if (live.size === 0) resolve(exitCode);
          return;
        }
        const t = Date.now();
        crashes.push(t);
        while (crashes.length && crashes[0]! < t - window) crashes.shift();
        if (crashes.length > maxCrashes) {
          log(`error: workers died ${crashes.length} times within ${window / 1000} s; stopping (see the errors above)`);
          exitCode = 1;
          stop('SIGTERM');
          return;
        }
        // A worker failing at start-up dies again at once: the crash budget above stops the loop.
        log(`worker ${w.process.pid} stopped (${signal ?? `exit code ${code}`}); starting another`);
        fork();
      });
    };

    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      if (live.size === 0) return resolve(exitCode);
      for (const w of live) w.process.kill(signal);
      setTimeout(() => {
        for (const w of live) w.process.kill('SIGKILL');
      }, opts.stopTimeoutMs ?? 10_000).unref();
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGTERM'));
    fork();
  });
}
