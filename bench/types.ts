/** What the benchmark's processes hand each other, and the shape of `bench/results.json`. */

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export type Generator =
  /** Progress events, `batch` per request, fresh ids every time, sessions taken in turn. */
  | { kind: 'progress'; path: string; batch: number; cookies: string[]; course: string; modules: string[] }
  /** Each request once, in order (attempt start and submit consume learners and attempts). */
  | { kind: 'list'; requests: RequestSpec[] }
  /** GETs over a set of paths and sessions, in turn. */
  | { kind: 'rotate'; paths: string[]; cookies?: string[]; headers?: Record<string, string> };

export interface LoadSpec {
  url: string;
  connections: number;
  /** Seconds measured (an upper bound when `amount` is set). */
  duration: number;
  amount?: number;
  /** Seconds of unmeasured load first (0 = none). */
  warmup: number;
  warmupAmount?: number;
  generator: Generator;
}

export interface LoadResult {
  connections: number;
  seconds: number;
  requests: number;
  rps: number;
  /** Latency in ms, from every response of the measured run. */
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statuses: Record<string, number>;
}

export interface ScenarioResult extends LoadResult {
  name: string;
  what: string;
  /** Requests/s as a share of the bare ceiling (bare server, NORMAL, one transaction per insert). */
  ratioToCeiling: number;
  /** Events per second for ingestion scenarios (requests × batch). */
  eventsPerSecond?: number;
  /** The real server's CPU time (user + system) per request in the best round, µs (write scenarios of the real server). */
  serverCpuUsPerRequest?: number;
  /** The real server's peak RSS during the scenario, MB (full-stack scenarios only). */
  serverRssMB?: number;
  /** Requests/s of every interleaved round (write scenarios: the best round is reported). */
  roundsRps?: number[];
  /** The machine's 1-minute load average after the scenario (other work on the machine shows here). */
  loadAverage?: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}
