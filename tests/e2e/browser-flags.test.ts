/**
 * The browser the tests and benchmarks start (tests/helpers/chromium.ts): the address bar's WebUI popup,
 * which newer Chromium renders at start-up even headless, is off, and Playwright's own disabled
 * features still are (Chromium reads only the last `--disable-features` switch).
 */
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { UNUSED_FEATURES, withUnusedFeaturesOff } from '../helpers/chromium.ts';

describe('the test browser', () => {
  it('merges the feature switches into one, keeping the last list given', () => {
    expect(withUnusedFeaturesOff(['--a', '--disable-features=X', '--disable-features=Y,Z', '--b'])).toEqual([
      '--a',
      '--b',
      `--disable-features=Y,Z,${UNUSED_FEATURES.join(',')}`,
    ]);
    expect(withUnusedFeaturesOff(['--a']).at(-1)).toBe(`--disable-features=${UNUSED_FEATURES.join(',')}`);
  });

  it('starts without the address bar popup, with Playwright’s switches in the one list', async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    await page.goto('about:blank');
    const cdp = await browser.newBrowserCDPSession();
    // Its renderer starts with the browser; by the time a page has loaded it would be a target.
    const { targetInfos } = await cdp.send('Target.getTargets');
    expect(targetInfos.map((t) => t.url).filter((u) => u.startsWith('chrome://'))).toEqual([]);
    const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
    expect(processInfo.filter((p) => p.type === 'renderer').length).toBeLessThanOrEqual(2);
    // One of Playwright's (its screenshots and paint timing depend on it) beside ours, in the one switch.
    await page.goto('chrome://version');
    const line = await page.locator('#command_line').innerText();
    expect(line.match(/--disable-features=\S+/g)).toEqual([expect.stringMatching(/PaintHolding.*WebUIOmniboxPopup/)]);
    await page.close();
  });
});
