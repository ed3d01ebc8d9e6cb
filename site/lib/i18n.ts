import uk from '../../content/ui/uk.json';
import en from '../../content/ui/en.json';
import type { Locale } from '../../courses/schema/common.ts';

export const LOCALES: Locale[] = ['uk', 'en'];
const strings = { uk, en } as const;
export type UiKey = keyof typeof uk;

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

export const formatDate = (iso: string, locale: Locale) => new Intl.DateTimeFormat(locale === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'long', timeZone: 'Europe/Kyiv' }).format(new Date(iso));
