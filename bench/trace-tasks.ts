/**
 * What is inside a page's long tasks, from a Chromium performance trace (`DASH_TRACE=<prefix>` with
 * bench/dashboard-lighthouse.ts writes one per long-task run):
 *
 *   npx tsx bench/trace-tasks.ts <trace.json> [min ms = 50] [window ms = 5000]
 *
 * For each main-thread task longer than the minimum in the window: its start (ms from navigation
 * start) and length, the work in it as a tree (events of 2 ms or more, with the script, function or
 * element they concern) and its self time by kind (script, compile, style, layout, paint, parse…).
 */
import fs from 'node:fs';

interface Ev {
  name: string;
  cat: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: Record<string, unknown>; beginData?: Record<string, unknown> };
}
interface Node {
  ev: Ev;
  end: number;
  children: Node[];
  self: number;
}

const [file, minArg, windowArg] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx bench/trace-tasks.ts <trace.json> [min ms] [window ms]');
const MIN = Number(minArg ?? 50) * 1000;
const WINDOW = Number(windowArg ?? 5000) * 1000;
const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as Ev[] | { traceEvents: Ev[] };
const events = Array.isArray(raw) ? raw : raw.traceEvents;

// The renderer's main thread with the most work (the page's, not about:blank's).
const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
let best = { pid: 0, tid: 0, busy: -1 };
for (const m of mains) {
  const busy = events
    .filter((e) => e.pid === m.pid && e.tid === m.tid && e.ph === 'X' && e.name === 'RunTask')
    .reduce((s, e) => s + (e.dur ?? 0), 0);
  if (busy > best.busy) best = { pid: m.pid, tid: m.tid, busy };
}
const onMain = events
  .filter((e) => e.pid === best.pid && e.tid === best.tid && e.ph === 'X' && e.dur !== undefined)
  .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
const navStart = events.find((e) => e.name === 'navigationStart' && e.pid === best.pid)?.ts ?? onMain[0]?.ts ?? 0;

/** The events of one task as a tree, with self times. */
function tree(task: Ev): Node {
  const root: Node = { ev: task, end: task.ts + task.dur!, children: [], self: task.dur! };
  const stack = [root];
  for (const e of onMain) {
    if (e === task || e.ts < task.ts || e.ts >= root.end) continue;
    const node: Node = { ev: e, end: e.ts + e.dur!, children: [], self: e.dur! };
    while (stack.length > 1 && stack.at(-1)!.end <= e.ts) stack.pop();
    const parent = stack.at(-1)!;
    parent.children.push(node);
    parent.self -= e.dur!;
    stack.push(node);
  }
  return root;
}

const str = (v: unknown) => (typeof v === 'string' ? v : '');
function detail(e: Ev): string {
  const d = { ...e.args?.beginData, ...e.args?.data };
  const url = str(d.url) || str((d.stackTrace as { url?: string }[] | undefined)?.[0]?.url);
  const parts = [
    str(d.functionName),
    url.replace(/^https?:\/\/[^/]+/, ''),
    d.lineNumber !== undefined ? `:${String(d.lineNumber)}` : '',
    str(d.type),
    d.elementCount !== undefined ? `${String(d.elementCount)} elements` : '',
    d.dirtyObjects !== undefined ? `${String(d.dirtyObjects)}/${String(d.totalObjects)} objects` : '',
    str(d.nodeName),
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(' ')})` : '';
}
const ms = (us: number) => (us / 1000).toFixed(1);

function print(n: Node, depth: number, out: string[]) {
  for (const c of n.children) {
    if (c.ev.dur! < Number(process.env.TRACE_MIN_EVENT_US ?? 2000)) continue;
    out.push(`${'  '.repeat(depth)}${ms(c.ev.dur!)} ${c.ev.name}${detail(c.ev)} [self ${ms(c.self)}]`);
    if (depth < 14) print(c, depth + 1, out);
  }
}
function selfByName(n: Node, acc: Map<string, number>) {
  for (const c of n.children) {
    acc.set(c.ev.name, (acc.get(c.ev.name) ?? 0) + c.self);
    selfByName(c, acc);
  }
}

// The main thread's JavaScript samples (category disabled-by-default-v8.cpu_profiler): which functions ran.
interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfNode {
  id: number;
  parent?: number;
  callFrame: Frame;
}
const profiles = events.filter((e) => e.name === 'Profile' && e.pid === best.pid && e.tid === best.tid);
const nodes = new Map<string, ProfNode>();
const samples: { ts: number; node: string }[] = [];
for (const p of profiles) {
  const pid = (p as Ev & { id?: string }).id;
  let t = Number((p.args?.data as { startTime?: number } | undefined)?.startTime ?? p.ts);
  for (const c of events) {
    if (c.name !== 'ProfileChunk' || c.pid !== p.pid || (c as Ev & { id?: string }).id !== pid) continue;
    const d = c.args?.data as
      { cpuProfile?: { nodes?: ProfNode[]; samples?: number[] }; timeDeltas?: number[] } | undefined;
    for (const n of d?.cpuProfile?.nodes ?? []) nodes.set(`${pid}:${n.id}`, n);
    const ids = d?.cpuProfile?.samples ?? [];
    const deltas = d?.timeDeltas ?? [];
    ids.forEach((id, i) => {
      t += deltas[i] ?? 0;
      samples.push({ ts: t, node: `${pid}:${id}` });
    });
  }
}
samples.sort((a, b) => a.ts - b.ts);
const frameName = (f: Frame) =>
  `${f.functionName || '(anonymous)'} ${(f.url ?? '').replace(/^https?:\/\/[^/]+/, '')}:${f.lineNumber}`;
/** Self and total sample time by function within [from, to). */
function jsIn(from: number, to: number) {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const inRange = samples.filter((s) => s.ts >= from && s.ts < to);
  inRange.forEach((s, i) => {
    const dt = (inRange[i + 1]?.ts ?? to) - s.ts;
    const key = s.node.split(':')[0];
    let n = nodes.get(s.node);
    if (!n) return;
    self.set(frameName(n.callFrame), (self.get(frameName(n.callFrame)) ?? 0) + dt);
    const seen = new Set<string>();
    while (n) {
      const name = frameName(n.callFrame);
      if (!seen.has(name) && n.callFrame.url) total.set(name, (total.get(name) ?? 0) + dt);
      seen.add(name);
      n = n.parent === undefined ? undefined : nodes.get(`${key}:${n.parent}`);
    }
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .filter(([, v]) => v >= 500)
      .map(([f, v]) => `    ${ms(v)} ${f}`)
      .join('\n');
  return `  JS self:\n${top(self, 12)}\n  JS total (functions with a script):\n${top(total, 25)}`;
}

const tasks = onMain.filter(
  (e) => e.name === 'RunTask' && e.dur! > MIN && e.ts - navStart < WINDOW && e.ts >= navStart - 100_000,
);
console.log(`${file}: ${tasks.length} task(s) over ${MIN / 1000} ms in the first ${WINDOW / 1000} s`);
for (const t of tasks) {
  const n = tree(t);
  const by = new Map<string, number>();
  selfByName(n, by);
  const lines: string[] = [];
  print(n, 1, lines);
  console.log(
    `\n== ${ms(t.ts - navStart)} ms +${ms(t.dur!)} ms; self by kind: ${[...by]
      .sort((a, b) => b[1] - a[1])
      .filter(([, v]) => v >= 1000)
      .map(([k, v]) => `${k} ${ms(v)}`)
      .join(', ')}`,
  );
  console.log(lines.join('\n'));
  if (samples.length) console.log(jsIn(t.ts, t.ts + t.dur!));
}
