import type core from '../../content/ui/core.uk.json';
import type { Locale } from '../../courses/schema/common.ts';

export const LOCALES: Locale[] = ['uk', 'en'];

/** UI strings live in `content/ui/<area>.<locale>.json`; every area's files are merged per locale. */
const files = import.meta.glob<Record<string, string>>('../../content/ui/*.json', { eager: true, import: 'default' });
const strings: Record<Locale, Record<string, string>> = { uk: {}, en: {} };
for (const [file, table] of Object.entries(files)) {
  const locale = /\.(uk|en)\.json$/.exec(file)?.[1] as Locale | undefined;
  if (locale) Object.assign(strings[locale], table);
}
/** Keys of the core strings (typed); other areas' keys are plain strings. */
export type UiKey = keyof typeof core | (string & {});

/** A translator for one locale: `t('module.of', { i: 1, n: 6 })`. Missing keys fail loudly at build time. */
export function useT(locale: Locale) {
  const table = strings[locale] as Record<string, string>;
  return (key: UiKey, vars: Record<string, string | number> = {}) => {
    const s = table[key];
    if (s === undefined) throw new Error(`missing UI string "${key}" for locale ${locale}`);
    return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
  };
}

/** Strings a Svelte island needs, picked by prefix, so the island ships only those. */
export function pick(locale: Locale, ...prefixes: string[]): Record<string, string> {
  const table = strings[locale] as Record<string, string>;
  return Object.fromEntries(Object.entries(table).filter(([k]) => prefixes.some((p) => k.startsWith(p))));
}

export const otherLocale = (l: Locale): Locale => (l === 'uk' ? 'en' : 'uk');

/** The same page in the other locale: paths are identical apart from the locale prefix. */
export const switchPath = (path: string, to: Locale) => path.replace(/^\/(uk|en)(\/|$)/, `/${to}$2`);

/** Dates, numbers and percentages: one formatter for the whole project (courses/format.ts). */
export { formatDate, formatNumber, formatPercent } from '../../courses/format.ts';
