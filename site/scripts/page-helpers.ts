/**
 * Small helpers shared by the plain page scripts (consultations, supervision, supervisors): the page's
 * strings from its JSON script tag, a JSON fetch that never throws on an error body, and an element
 * builder that only ever sets text (never HTML).
 */

/** The strings a page ships in `<script id="…" type="application/json">`, with `{name}` placeholders. */
export function pageStrings(id: string) {
  const table = JSON.parse(document.getElementById(id)?.textContent ?? '{}') as Record<string, string>;
  return (key: string, vars: Record<string, string | number> = {}) =>
    (table[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

export const api = async <T>(url: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(url, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    credentials: 'same-origin',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: { message: string } };
  return { res, data };
};

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, attrs: Record<string, string> = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}

/** Dates and times in the page's locale. */
export const dateTime = (locale: string, iso: string) =>
  new Intl.DateTimeFormat(locale === 'uk' ? 'uk-UA' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

/** The server's reason for a refusal, or the HTTP status. */
export const reason = (res: Response, data: { error?: { message: string } }) =>
  data.error?.message ?? `HTTP ${res.status}`;
