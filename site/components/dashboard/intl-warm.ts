/**
 * A worker that only makes the first `Intl` formatters of the dashboard's locale, started by
 * CohortShell.astro's inline script while the page is still parsing.
 *
 * The first `Intl.NumberFormat` or `Intl.DateTimeFormat` a Chromium renderer makes loads ICU data and
 * lists every locale ICU has (about 100–200 ms on a slow laptop, one uninterruptible call); those
 * caches belong to the renderer process, not to a thread. Made here, on the worker's thread, that work
 * leaves the main thread, and the page's own first formatters (the key figures, the chart labels)
 * cost about a millisecond.
 */
onmessage = (e: MessageEvent<string>) => {
  const intl = e.data === 'uk' ? 'uk-UA' : 'en-GB';
  const timeZone = 'Europe/Kyiv';
  new Intl.NumberFormat(intl, { maximumFractionDigits: 1 }).formatToParts(1234.5);
  new Intl.NumberFormat(intl, { style: 'percent', maximumFractionDigits: 1 }).format(0.5);
  new Intl.DateTimeFormat(intl, { dateStyle: 'medium', timeZone }).format(0);
  new Intl.DateTimeFormat(intl, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(0);
  new Intl.Collator(e.data, { sensitivity: 'base', numeric: true }).compare('a', 'b');
  postMessage(1);
};
