/** Small fetch helpers for the instructor and admin islands: JSON in and out, same-origin cookies. */
import { formatDate } from '../../../courses/format.ts';
import type { Locale } from '../../../courses/schema/common.ts';
import { confirmPassword } from './reauth.ts';
export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data: T;
  /** The API's error message, when not ok. */
  error: string;
}

export async function api<T = Record<string, unknown>>(
  url: string,
  method = 'GET',
  body?: unknown,
  retried = false,
): Promise<ApiResult<T>> {
  try {
    const res = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = (await res.json().catch(() => ({}))) as T & { error?: { code?: string; message?: string } };
    // A dangerous action with a password older than 10 minutes: confirm it, then try once more.
    if (res.status === 403 && data?.error?.code === 'reauth_required' && !retried && (await confirmPassword()))
      return api<T>(url, method, body, true);
    return {
      ok: res.ok,
      status: res.status,
      data,
      error: res.ok ? '' : (data?.error?.message ?? `HTTP ${res.status}`),
    };
  } catch {
    return { ok: false, status: 0, data: {} as T, error: navigator.onLine ? 'Network error' : 'Offline' };
  }
}

/** `strings` lookup with `{name}` placeholders. */
export const fmt =
  (strings: Record<string, string>) =>
  (key: string, vars: Record<string, string | number> = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

export const dateFmt =
  (locale: Locale) =>
  (iso: string | null | undefined): string =>
    iso ? formatDate(iso, locale, 'medium') : '—';
