/**
 * The load generator, run as its own process (`tsx bench/load.ts <spec.json>`) so it never shares an
 * event loop with the server it measures. autocannon drives 127.0.0.1; every response's latency is
 * recorded here, so p50/p95/p99 are exact, and the result is printed as one JSON line.
 */
import fs from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec, RequestSpec } from './types.ts';

const spec = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as LoadSpec;
const origin = new URL(spec.url).origin;

/** The request generator: a fresh request (own body, own event ids) for every call. */
function generator(): () => RequestSpec {
  const g = spec.generator;
  switch (g.kind) {
    case 'progress': {
      // Ids unique per run and per event (the API stores each (user, id) once; duplicates would not be writes).
      const prefix = `b${process.pid.toString(36)}${Date.now().toString(36)}`;
      let n = 0;
      return () => {
        const cookie = g.cookies[n % g.cookies.length]!;
        const events = Array.from({ length: g.batch }, (_, i) => ({
          id: `${prefix}-${n}-${i}`,
          course: g.course,
          module: g.modules[(n + i) % g.modules.length]!,
          kind: 'viewed',
          at: new Date().toISOString(),
        }));
        n++;
        return {
          method: 'POST',
          path: g.path,
          headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
          body: JSON.stringify({ events }),
        };
      };
    }
    case 'list': {
      let n = 0;
      // autocannon stops at `amount` = the list's length; a connection asking past the end repeats the last.
      return () => g.requests[Math.min(n++, g.requests.length - 1)]!;
    }
    case 'rotate': {
      let n = 0;
      return () => {
        const i = n++;
        const cookie = g.cookies?.length ? g.cookies[i % g.cookies.length] : undefined;
        return {
          method: 'GET',
          path: g.paths[i % g.paths.length]!,
          headers: { ...g.headers, ...(cookie ? { cookie } : {}) },
        };
      };
    }
  }
}

/** `seconds`: from the start to the last response (autocannon's own duration counts whole ticks). */
function run(
  seconds: number,
  record: boolean,
  amount?: number,
): Promise<{ result: autocannon.Result; latencies: number[]; statuses: Record<string, number>; seconds: number }> {
  const next = generator();
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const started = performance.now();
  let last = started;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: origin,
        connections: spec.connections,
        duration: seconds,
        ...(amount ? { amount } : {}),
        timeout: 10,
        requests: [{ setupRequest: (req: object) => ({ ...req, ...next() }) }],
      },
      (err: Error | null, result: autocannon.Result) =>
        err ? reject(err) : resolve({ result, latencies, statuses, seconds: (last - started) / 1000 }),
    );
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (!record) return;
      last = performance.now();
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
}

const pct = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : 0;
const round = (x: number) => Math.round(x * 100) / 100;

if (spec.warmup > 0) await run(spec.warmup, false, spec.warmupAmount);
const { result, latencies, statuses, seconds } = await run(spec.duration, true, spec.amount);
latencies.sort((a, b) => a - b);
const non2xx = Object.entries(statuses)
  .filter(([s]) => !s.startsWith('2'))
  .reduce((s, [, n]) => s + n, 0);
const out: LoadResult = {
  connections: spec.connections,
  seconds: round(seconds),
  requests: latencies.length,
  rps: round(latencies.length / seconds),
  p50: round(pct(latencies, 50)),
  p95: round(pct(latencies, 95)),
  p99: round(pct(latencies, 99)),
  max: round(latencies.at(-1) ?? 0),
  errors: result.errors,
  timeouts: result.timeouts,
  non2xx,
  statuses,
};
console.log(JSON.stringify(out));
