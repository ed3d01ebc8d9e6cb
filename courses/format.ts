/**
 * Numbers, percentages and dates in the reader's language: the one formatter shared by the site, the
 * dashboards (charts included), the certificate PDFs and the CSV exports' human-readable cells.
 *
 * Everything goes through `Intl`; Ukrainian then gets two typographic rules that the CLDR data does
 * not apply: the percent sign is set off by a space (`89,6 %`, as Ukrainian typography writes it),
 * and thousands are grouped with a thin space (`12 345`); both are U+202F, which does not break, so
 * a figure never splits across lines.
 */
import type { Locale } from './schema/common.ts';

/** The `Intl` locale for a site locale. */
export const intlLocale = (locale: Locale): string => (locale === 'uk' ? 'uk-UA' : 'en-GB');

/** U+202F NARROW NO-BREAK SPACE: thousands and the percent sign in Ukrainian. */
export const NNBSP = '\u202f';

const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(intlLocale(locale), options)));
  return f;
}

function render(locale: Locale, n: number, options: Intl.NumberFormatOptions): string {
  const parts = numberFormat(locale, options).formatToParts(n);
  if (locale !== 'uk') return parts.map((p) => p.value).join('');
  return parts
    .map((p, i) =>
      p.type === 'group'
        ? NNBSP
        : p.type === 'percentSign' && !/\s$/.test(parts[i - 1]?.value ?? '')
          ? `${NNBSP}${p.value}`
          : p.value,
    )
    .join('');
}

/** A number (at most `maxDigits` decimals): uk `12 345,6`, en `12,345.6`. */
export const formatNumber = (n: number, locale: Locale, maxDigits = 1): string =>
  render(locale, n, { maximumFractionDigits: maxDigits });

/** A percentage given as 0–100 (as scores are stored): uk `89,6 %`, en `89.6%`. */
export const formatPercent = (percent: number, locale: Locale, maxDigits = 1): string =>
  render(locale, percent / 100, { style: 'percent', maximumFractionDigits: maxDigits });

/** A size in bytes, in kB or MB: uk `1,2 МБ`, en `1.2 MB`. */
export const formatBytes = (bytes: number, locale: Locale): string =>
  render(locale, bytes >= 1e6 ? bytes / 1e6 : bytes / 1e3, {
    style: 'unit',
    unit: bytes >= 1e6 ? 'megabyte' : 'kilobyte',
    maximumFractionDigits: 1,
  });

/** Dates are shown in Kyiv time: the courses' legal deadlines are Ukrainian. */
const TIME_ZONE = 'Europe/Kyiv';

/**
 * One `Intl.DateTimeFormat` per locale and options, made once: creating one (with its time zone)
 * costs far more than formatting with it, and a dashboard formats hundreds of dates at a time.
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();
function dateFormat(intl: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${intl}|${JSON.stringify(options)}`;
  let f = dateFormats.get(key);
  if (!f) dateFormats.set(key, (f = new Intl.DateTimeFormat(intl, { ...options, timeZone: TIME_ZONE })));
  return f;
}

/** A date (`YYYY-MM-DD` or a full ISO timestamp): uk `4 грудня 2026 р.`, en `4 December 2026`. */
export function formatDate(iso: string | Date, locale: Locale, style: 'long' | 'medium' | 'short' = 'long'): string {
  // A bare date is a calendar day: read it at noon UTC so no time zone moves it to the day before.
  const d = typeof iso === 'string' ? new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso) : iso;
  return dateFormat(intlLocale(locale), { dateStyle: style }).format(d);
}

/** A date as digits (Kyiv time), read alike in both languages: uk and en `04.12.2026`. */
export function formatNumericDate(iso: string | Date): string {
  const d = typeof iso === 'string' ? new Date(iso.length === 10 ? `${iso}T12:00:00Z` : iso) : iso;
  return dateFormat('uk-UA', { day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
}

/** A date and time (Kyiv time): uk `04.12.2026, 17:30`, en `4 Dec 2026, 17:30`. */
export function formatDateTime(iso: string | Date, locale: Locale): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return dateFormat(intlLocale(locale), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
}
