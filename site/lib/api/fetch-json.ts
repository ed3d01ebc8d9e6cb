/**
 * A thin typed `fetch` for module pages (progress tracker, graded assessment), whose JavaScript
 * budget has no room for a client library: the same generated types as `client.ts`, a few bytes of
 * code. The path is written as in the OpenAPI document (`/api/attempts/{id}`) and filled from
 * `params`; the answer's JSON is typed by the operation.
 */
import type { paths } from './schema.d.ts';
import type { Answer, ApiError, Body, Method, PathParams, PathsWith } from './types.ts';

export interface JsonResult<T> {
  /** null when the request never reached the server (offline, network error). */
  res: Response | null;
  /** The success answer (when res.ok). */
  data?: T;
  /** The API's error answer (when not res.ok and it sent one). */
  error?: ApiError['error'];
}

export async function fetchJson<M extends Method, P extends PathsWith<M> & keyof paths>(
  method: M,
  path: P,
  init: { params?: PathParams<P, M>; body?: Body<P, M>; keepalive?: boolean } = {},
): Promise<JsonResult<Answer<P, M>>> {
  const url = (path as string).replace(/\{(\w+)\}/g, (_, k: string) =>
    encodeURIComponent(String((init.params as Record<string, string | number>)[k])),
  );
  let res: Response;
  try {
    res = await fetch(url, {
      method: method.toUpperCase(),
      credentials: 'same-origin',
      keepalive: init.keepalive,
      ...(init.body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) }),
    });
  } catch {
    return { res: null };
  }
  const json = (await res.json().catch(() => undefined)) as Answer<P, M> | ApiError | undefined;
  return res.ok ? { res, data: json as Answer<P, M> } : { res, error: (json as ApiError | undefined)?.error };
}
