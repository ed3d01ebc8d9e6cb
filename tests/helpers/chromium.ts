/**
 * Debian's Chromium as the tests and the benchmarks start it (no vitest here: bench/ uses it too).
 *
 * Chromium 14x and later render the address bar's popup as a WebUI page, started with the browser in
 * a renderer of its own even when headless: about 1.5 s of CPU in its first seconds (measured with
 * Chromium 156 here), taken from the page under test on a two-core machine. It is switched off with
 * two features. Chromium reads only the last `--disable-features` switch, and Playwright and
 * chrome-launcher each pass their own list, so ours is merged into theirs rather than added beside it.
 */
import { chromium, type Browser, type LaunchOptions } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Features of the browser's own interface that a headless run never shows. */
export const UNUSED_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'];

const PREFIX = '--disable-features=';

/** `flags` with one `--disable-features` switch: the last one there, plus UNUSED_FEATURES. */
export function withUnusedFeaturesOff(flags: string[]): string[] {
  const given = flags.filter((f) => f.startsWith(PREFIX)).at(-1);
  const features = new Set([...(given ? given.slice(PREFIX.length).split(',') : []), ...UNUSED_FEATURES]);
  features.delete('');
  return [...flags.filter((f) => !f.startsWith(PREFIX)), PREFIX + [...features].join(',')];
}

let playwrightSwitch: Promise<string | undefined> | undefined;

/**
 * The `--disable-features` switch Playwright passes, read once per process from a browser it started
 * (the first such switch on its command line; ours, last, keeps the probe itself light).
 */
function playwrightDisabledFeatures(): Promise<string | undefined> {
  return (playwrightSwitch ??= (async () => {
    const probe = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // The browser tells its command line only to automation.
      args: ['--no-sandbox', '--enable-automation', PREFIX + UNUSED_FEATURES.join(',')],
    });
    try {
      const cdp = await probe.newBrowserCDPSession();
      const { arguments: commandLine } = await cdp.send('Browser.getBrowserCommandLine');
      return commandLine.find((a) => a.startsWith(PREFIX));
    } finally {
      await probe.close();
    }
  })().catch((e: unknown) => {
    playwrightSwitch = undefined; // the next launch asks again
    throw e;
  }));
}

/** Headless Chromium through Playwright, with Playwright's switches, `args`, and the unused interface off. */
export async function launchChromium(args: string[], options: Omit<LaunchOptions, 'args'> = {}): Promise<Browser> {
  const theirs = await playwrightDisabledFeatures();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    ...options,
    ...(theirs ? { ignoreDefaultArgs: [theirs] } : {}),
    args: withUnusedFeaturesOff([...(theirs ? [theirs] : []), ...args]),
  });
}
