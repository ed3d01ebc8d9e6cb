/**
 * Long tasks of a page's first seconds, as a slow laptop would have them: headless Chromium
 * (/usr/bin/chromium, through playwright-core) with its CPU slowed 4× (CDP
 * `Emulation.setCPUThrottlingRate`), a `PerformanceObserver` for `longtask` entries registered before
 * any of the page's own scripts run, and the time the page's key figures were first in the DOM.
 *
 * Used by bench/dashboard-lighthouse.ts and `BENCH_ONLY=dashboard npm run bench`; its target (no long
 * task over 50 ms in the first 5 s) is checked by bench/report.ts.
 */
import type { Browser } from 'playwright-core';
import { launchChromium } from '../tests/helpers/chromium.ts';

export interface LongTaskResult {
  page: string;
  throttle: number;
  windowMs: number;
  /** Long tasks (> 50 ms by the browser's definition) that started in the window. */
  count: number;
  maxMs: number;
  totalMs: number;
  /** "start+duration" of each, ms from navigation start. */
  tasks: string[];
  /** ms from navigation start until `figuresSelector` had text (null: never within the window). */
  figuresMs: number | null;
  error?: string;
}

/**
 * Runs in the page before its scripts: collects long tasks and notes when the figures appear. A string,
 * not a function: the TypeScript loader would add helpers (`__name`) the page does not have.
 */
const probe = (selector: string) => `(() => {
  const w = window;
  w.__longTasks = [];
  w.__figuresAt = null;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) w.__longTasks.push({ s: e.startTime, d: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const check = () => {
    if (w.__figuresAt !== null) return;
    const el = document.querySelector(${JSON.stringify(selector)});
    if (el && /\\d/.test(el.textContent || '')) w.__figuresAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;

export async function longTasks(opts: {
  page: string;
  url: string;
  cookie?: string;
  throttle?: number;
  windowMs?: number;
  figuresSelector?: string;
  /** Phone-sized viewport as Lighthouse's mobile preset (412 × 823), so lazy sections stay lazy. */
  viewport?: { width: number; height: number };
  /**
   * Writes Chromium's performance trace of the window (the Performance panel's categories) to this
   * file, for bench/trace-tasks.ts. Tracing costs a little: read its tasks' contents, not their lengths.
   */
  trace?: string;
}): Promise<LongTaskResult> {
  const throttle = opts.throttle ?? 4;
  const windowMs = opts.windowMs ?? 5000;
  const base = { page: opts.page, throttle, windowMs };
  let browser: Browser | undefined;
  try {
    browser = await launchChromium([
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-gpu',
    ]);
    const context = await browser.newContext({ viewport: opts.viewport ?? { width: 412, height: 823 } });
    // As Lighthouse gets it: the session cookie on every request (a `__Host-` cookie needs HTTPS to be stored).
    if (opts.cookie) await context.setExtraHTTPHeaders({ cookie: opts.cookie });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text().slice(0, 200));
    });
    page.on('pageerror', (e) => problems.push(e.message.slice(0, 200)));
    await page.addInitScript({ content: probe(opts.figuresSelector ?? '[data-figures] dd') });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttle });
    if (opts.trace)
      await browser.startTracing(page, {
        path: opts.trace,
        categories: [
          'devtools.timeline',
          'disabled-by-default-devtools.timeline',
          'disabled-by-default-devtools.timeline.stack',
          'v8.execute',
          'disabled-by-default-v8.compile',
          'disabled-by-default-v8.cpu_profiler',
          'blink.user_timing',
          'loading',
          'toplevel',
          ...(process.env.LONGTASKS_TRACE_CATEGORIES?.split(',') ?? []),
        ],
      });
    await page.goto(opts.url, { waitUntil: 'commit' });
    // Wait until the window has passed (throttling slows scripts, not the clock). In Node, not with
    // `page.waitForFunction`: that would inject Playwright's own scripts into the page during the
    // window, and compiling them is a long task of its own (60–160 ms at ×4) that the page did not make.
    // The page's clock started before the navigation committed, so this wait covers its window.
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const got = await page.evaluate(() => {
      const w = window as unknown as { __longTasks: { s: number; d: number }[]; __figuresAt: number | null };
      return { tasks: w.__longTasks, figuresAt: w.__figuresAt };
    });
    if (opts.trace) await browser.stopTracing();
    const inWindow = got.tasks.filter((t) => t.s < windowMs);
    if (process.env.LONGTASKS_DEBUG === '1')
      console.log(
        `  page problems: ${problems.join(' | ') || 'none'}; figures: ${(
          await page
            .locator('[data-figures]')
            .first()
            .innerText()
            .catch(() => '?')
        ).replace(/\s+/g, ' ')}`,
      );
    return {
      ...base,
      count: inWindow.length,
      maxMs: Math.round(Math.max(0, ...inWindow.map((t) => t.d))),
      totalMs: Math.round(inWindow.reduce((s, t) => s + t.d, 0)),
      tasks: inWindow.map((t) => `${Math.round(t.s)}+${Math.round(t.d)}`),
      figuresMs: got.figuresAt === null || got.figuresAt > windowMs ? null : Math.round(got.figuresAt),
    };
  } catch (e) {
    return { ...base, count: 0, maxMs: 0, totalMs: 0, tasks: [], figuresMs: null, error: String(e) };
  } finally {
    await browser?.close();
  }
}
