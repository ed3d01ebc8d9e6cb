/** The benchmark's verdicts against the issue's targets, and its Markdown summary. */
import type { BuildFigure } from './builds.ts';
import type { LongTaskResult } from './longtasks.ts';
import type { LighthouseResult, siteWeights } from './pages.ts';
import type { ScenarioResult, TargetCheck } from './types.ts';

export interface Results {
  generatedAt: string;
  quick: boolean;
  totalSeconds: number;
  machine: { nproc: number; cpu: string; memoryGB: number; node: string; loadAverageAtStart: number[]; free: string };
  settings: {
    duration: number;
    rounds: number;
    roundSeconds: number;
    warmup: number;
    connections: number;
    groupCommitMs: number;
    server: string;
  };
  seed: { seconds: number; counts: Record<string, number> };
  ceilingRps: number;
  bare: ScenarioResult[];
  scenarios: ScenarioResult[];
  logins: { count: number; seconds: number };
  serverMemory: { peakRssMB: number; hwmMB: number; startRssMB: number; idleRssMB: number };
  pages: ReturnType<typeof siteWeights>;
  lighthouse: LighthouseResult[] | null;
  /** The instructor dashboard's long tasks in its first 5 s, CPU slowed 4× (bench/longtasks.ts). */
  longTasks?: LongTaskResult[] | null;
  /** The same measurement of the home page (no island) after each dashboard run: the browser's and machine's floor. */
  longTaskControl?: LongTaskResult[] | null;
  build: BuildFigure;
  scorm: BuildFigure & { packages: { file: string; KB: number }[]; retried?: boolean };
  scaling: (BuildFigure & { factor: number; modules: number; courses: number; pages: number })[];
  targets: TargetCheck[];
}

const f1 = (x: number) => (Math.round(x * 10) / 10).toString();
const f2 = (x: number) => (Math.round(x * 100) / 100).toString();
const find = (list: ScenarioResult[], name: string) => list.find((s) => s.name === name);

/** Issue #26 item 3: the tail of submit within 3× its median at 50 connections. */
export function submitTarget(scenarios: ScenarioResult[]): TargetCheck | null {
  const s = find(scenarios, 'attempt-submit');
  if (!s) return null;
  return {
    target: 'attempt submit p99 ≤ 3 × p50 at 50 connections',
    measured: `p50 ${s.p50} ms, p99 ${s.p99} ms = ${f2(s.p99 / Math.max(s.p50, 0.001))} × at ${s.connections} connections${s.serverCpuUsPerRequest ? ` (${s.serverCpuUsPerRequest} µs server CPU per request)` : ''}`,
    met: s.connections >= 50 && s.p99 <= 3 * s.p50,
  };
}

export function checkTargets(r: Omit<Results, 'targets'>): TargetCheck[] {
  const t: TargetCheck[] = [];
  const push = (target: string, measured: string, met: boolean) => t.push({ target, measured, met });
  const ingest = find(r.scenarios, 'ingest-1');
  const bareGroup = find(r.bare, 'bare-full-group');
  const bareFull = find(r.bare, 'bare-full');
  if (bareGroup && bareFull)
    push(
      'group commit: bare FULL + group commit ≥ 0.8 × the NORMAL ceiling',
      `${bareGroup.ratioToCeiling} (FULL without it: ${bareFull.ratioToCeiling})`,
      bareGroup.ratioToCeiling >= 0.8,
    );
  if (ingest) {
    push(
      'full-stack ingestion (FULL + group commit) ≥ 0.8 × the NORMAL ceiling',
      `${ingest.ratioToCeiling}`,
      ingest.ratioToCeiling >= 0.8,
    );
    push(
      'full-stack ingestion ≥ 0.5 × the ceiling, p99 < 50 ms at 50 connections',
      `${ingest.ratioToCeiling} ×, p99 ${ingest.p99} ms at ${ingest.connections}`,
      ingest.ratioToCeiling >= 0.5 && ingest.p99 < 50 && ingest.connections >= 50,
    );
  }
  const report1 = find(r.scenarios, 'cohort-report-1');
  const report10 = find(r.scenarios, 'cohort-report-10');
  const computed1 = find(r.scenarios, 'cohort-reports-computed-1');
  const computed10 = find(r.scenarios, 'cohort-reports-computed-10');
  if (report1) {
    const fresh = computed1
      ? `; computed afresh: p95 ${computed1.p95} ms alone${computed10 ? `, ${computed10.p95} ms with 10 cohorts at once` : ''}`
      : '';
    push(
      'cohort report (500 learners) < 200 ms p95',
      `reused: p95 ${report1.p95} ms alone${report10 ? `, ${report10.p95} ms with 10 at once` : ''}${fresh}`,
      report1.p95 < 200 && (computed1?.p95 ?? 0) < 200,
    );
  }
  const health = find(r.scenarios, 'health');
  const modulePage = find(r.scenarios, 'module-page');
  if (health && modulePage)
    push(
      'module page ≥ 0.5 × the rate of GET /api/health in the same run',
      `${modulePage.rps} vs ${health.rps} req/s = ${f2(modulePage.rps / health.rps)} ×`,
      modulePage.rps >= 0.5 * health.rps,
    );
  const submit = find(r.scenarios, 'attempt-submit');
  if (submit)
    push('attempt submit p99 < 100 ms', `p99 ${submit.p99} ms at ${submit.connections} connections`, submit.p99 < 100);
  const tail = submitTarget(r.scenarios);
  if (tail) t.push(tail);
  if (computed1 && computed10)
    push(
      'ten computed cohort reports at once: p95 ≤ 3 × one at a time',
      `p95 ${computed10.p95} ms vs ${computed1.p95} ms = ${f2(computed10.p95 / Math.max(computed1.p95, 0.001))} ×`,
      computed10.p95 <= 3 * computed1.p95,
    );
  const during = find(r.scenarios, 'ingest-during-reports');
  if (ingest && during)
    push(
      'ingestion p99 while ten reports run ≤ 2 × its p99 alone',
      `p99 ${during.p99} ms vs ${ingest.p99} ms = ${f2(during.p99 / Math.max(ingest.p99, 0.001))} × (${during.rps} vs ${ingest.rps} req/s)`,
      during.p99 <= 2 * ingest.p99,
    );
  if (r.longTasks?.length) {
    const worst = Math.max(...r.longTasks.map((x) => x.maxMs));
    const most = Math.max(...r.longTasks.map((x) => x.count));
    const figures = r.longTasks.map((x) => x.figuresMs ?? '—').join(', ');
    // The floor: what the home page, which runs no island, had in the same runs.
    const control = r.longTaskControl?.length
      ? `; control, the home page: ${r.longTaskControl.map((x) => `${x.count}${x.count ? ` (max ${x.maxMs} ms)` : ''}`).join(', ')} long task(s) per run`
      : '';
    push(
      'instructor dashboard: no long task over 50 ms in the first 5 s (Chromium, CPU × 4)',
      `${r.longTasks.length} runs: up to ${most} long task(s), longest ${worst} ms; key figures in the DOM at ${figures} ms${r.longTasks.some((x) => x.error) ? ` (error: ${r.longTasks.find((x) => x.error)!.error})` : ''}${control}`,
      most === 0 && !r.longTasks.some((x) => x.error),
    );
  }
  const all = [...r.bare, ...r.scenarios];
  const bad = all.filter((s) => s.errors || s.non2xx || s.timeouts);
  push(
    'no errors, no non-2xx in any scenario',
    bad.length
      ? bad.map((s) => `${s.name}: ${s.errors} errors, ${s.non2xx} non-2xx (${JSON.stringify(s.statuses)})`).join('; ')
      : `0 of ${all.reduce((s, x) => s + x.requests, 0)} requests`,
    bad.length === 0,
  );
  push(
    'server RSS < 250 MB under the benchmark load',
    `peak ${f1(r.serverMemory.peakRssMB)} MB (VmHWM ${f1(r.serverMemory.hwmMB)} MB; ${r.serverMemory.idleRssMB} MB before any load)`,
    Math.max(r.serverMemory.peakRssMB, r.serverMemory.hwmMB) < 250,
  );
  const peak = Math.max(r.build.peakTreeRssMB, r.scorm.peakTreeRssMB);
  push(
    'full build + SCORM export peak < 2 GB',
    `build ${r.build.peakTreeRssMB} MB, export ${r.scorm.ok ? `${r.scorm.peakTreeRssMB} MB` : 'FAILED'} (process tree, summed RSS)`,
    r.build.ok && r.scorm.ok && peak < 2048,
  );
  const quiz = r.pages.selected.find((p) => p.page === '/uk/courses/initial-online-abuse/first-response/');
  const lhQuiz = r.lighthouse?.find((l) => l.page === 'module with a quiz');
  if (quiz)
    push(
      'module page with a quiz ≤ 25 KB gzip JS',
      `${quiz.js} KB (static imports)${lhQuiz ? `, ${lhQuiz.jsGzipKB} KB loaded in Lighthouse` : ''}`,
      Math.max(quiz.js, lhQuiz?.jsGzipKB ?? 0) <= 25,
    );
  for (const l of r.lighthouse ?? []) {
    push(
      `Lighthouse ${l.page}: performance ≥ 0.95, accessibility 1.0`,
      l.error
        ? `error: ${l.error}`
        : `performance ${l.performance}, accessibility ${l.accessibility}${l.failedAudits.length ? ` (failing: ${l.failedAudits.join(', ')})` : ''}`,
      (l.performance ?? 0) >= 0.95 && l.accessibility === 1,
    );
  }
  return t;
}

export function markdown(r: Results): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(
    `# Oberih benchmark${r.quick ? ' (BENCH_QUICK smoke run: small seed, short scenarios; not for comparison)' : ''}`,
    '',
  );
  lines.push(
    `${r.generatedAt} · ${m.nproc} CPU (${m.cpu}) · ${m.memoryGB} GB RAM · Node ${m.node} · load average at start ${m.loadAverageAtStart.join(' / ')} · ${r.totalSeconds} s in all`,
    '',
  );
  lines.push(
    `Seed (${r.seed.seconds} s): ${Object.entries(r.seed.counts)
      .map(([k, v]) => `${k} ${v.toLocaleString('en')}`)
      .join(', ')}.`,
    '',
  );
  lines.push(
    `Load: autocannon in its own process, 127.0.0.1, ${r.settings.connections} connections unless noted, latencies in ms from every response. Writes (bare-* and ingest-*): ${r.settings.rounds} interleaved rounds of ${r.settings.roundSeconds} s, the best round kept (errors of every round counted); other scenarios: ${r.settings.duration} s (attempt start/submit stop earlier when every prepared request is sent). The server runs as \`npm start\` runs it (\`${r.settings.server}\`, synchronous=FULL, group commit). Ceiling = bare Hono + better-sqlite3 insert, synchronous=NORMAL, no batching: **${r.ceilingRps} req/s**.`,
    '',
  );
  lines.push(
    '| scenario | req/s | events/s | p50 | p95 | p99 | errors | non-2xx | × ceiling | server RSS MB | load avg |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const s of [...r.bare, ...r.scenarios]) {
    lines.push(
      `| ${s.name}${s.connections !== r.settings.connections ? ` (${s.connections} conn.)` : ''} | ${s.rps} | ${s.eventsPerSecond ?? ''} | ${s.p50} | ${s.p95} | ${s.p99} | ${s.errors + s.timeouts} | ${s.non2xx} | ${s.ratioToCeiling} | ${s.serverRssMB ?? ''} | ${s.loadAverage ?? ''} |`,
    );
  }
  lines.push(
    '',
    `Server memory: ${r.serverMemory.startRssMB} MB RSS after start-up, ${r.serverMemory.idleRssMB} MB after the sign-ins, peak ${f1(r.serverMemory.peakRssMB)} MB under load (VmHWM ${f1(r.serverMemory.hwmMB)} MB). Sign-ins before the load: ${r.logins.count} in ${r.logins.seconds} s (Argon2id).`,
    '',
  );
  lines.push(
    '## Targets',
    '',
    `Machine: bare insert ceiling **${r.ceilingRps} req/s** in this run, load average ${m.loadAverageAtStart.join(' / ')} at the start (other work on the machine shows in the rows' load averages). Ratios compare figures of this one run; absolute figures move with the machine.`,
    '',
    '| target | measured | met |',
    '| --- | --- | --- |',
  );
  for (const t of r.targets) lines.push(`| ${t.target} | ${t.measured} | ${t.met ? 'met' : '**not met**'} |`);
  const p = r.pages;
  lines.push('', '## Pages (gzip -9)', '');
  lines.push(
    `${p.pages} pages (${p.modulePages} module pages), ${p.totals.diskMB} MB on disk; all HTML ${p.totals.htmlGzipKB} KB; all JS (${p.totals.jsFiles} files) ${p.totals.jsGzipKB} KB. Average module page: HTML ${p.averageModulePage?.html} KB, JS ${p.averageModulePage?.js} KB. Largest module page: ${p.largestModule?.page} (${p.largestModule?.total} KB).`,
    '',
  );
  lines.push('| page | HTML (incl. inline CSS) | CSS | JS | total |', '| --- | ---: | ---: | ---: | ---: |');
  for (const x of p.selected) lines.push(`| ${x.page} | ${x.html} | ${x.css} | ${x.js} | ${x.total} |`);
  if (r.lighthouse) {
    lines.push(
      '',
      '## Lighthouse 12.2.3 (mobile preset, Debian Chromium)',
      '',
      '| page | performance | accessibility | LCP ms | TBT ms | CLS | JS loaded (KB gzip) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    for (const l of r.lighthouse)
      lines.push(
        `| ${l.page} (${l.url}) | ${l.performance ?? 'error'} | ${l.accessibility ?? 'error'} | ${l.lcpMs ?? ''} | ${l.tbtMs ?? ''} | ${l.cls ?? ''} | ${l.jsGzipKB} |`,
      );
  }
  lines.push(
    '',
    '## Build and export',
    '',
    '| what | seconds | peak RSS, process tree (MB) | largest single process (MB) |',
    '| --- | ---: | ---: | ---: |',
  );
  lines.push(
    `| site build (content/, platform) | ${r.build.seconds} | ${r.build.peakTreeRssMB} | ${r.build.maxProcessHwmMB} |`,
  );
  lines.push(
    `| SCORM export, every package (${r.scorm.packages.length} zips, ${r.scorm.packages.reduce((s, x) => s + x.KB, 0)} KB${r.scorm.retried ? '; failed once, retried' : ''}) | ${r.scorm.ok ? r.scorm.seconds : 'failed'} | ${r.scorm.peakTreeRssMB} | ${r.scorm.maxProcessHwmMB} |`,
  );
  for (const s of r.scaling)
    lines.push(
      `| build at ${s.factor}× (${s.courses} courses, ${s.modules} modules, ${s.pages} pages) | ${s.ok ? s.seconds : 'failed'} | ${s.peakTreeRssMB} | ${s.maxProcessHwmMB} |`,
    );
  if (!r.scorm.ok && r.scorm.error)
    lines.push(
      '',
      `SCORM export failed: \`${r.scorm.error.split('\n').filter(Boolean).slice(-3).join(' / ').slice(0, 400)}\``,
    );
  return lines.join('\n') + '\n';
}
