import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Logger } from './log.ts';

/** Machine-readable error codes the API answers with. */
export type ErrorCode =
  | 'bad_request'
  | 'validation_failed'
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'csrf_rejected'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'invalid_credentials'
  | 'gone'
  | 'time_limit_exceeded'
  | 'reauth_required'
  | 'mfa_enrolment_required'
  | 'identifying_data'
  | 'internal'
  /** Outside production: the handler's answer differs from its route's declaration (api/contract.ts). */
  | 'response_contract'
  | 'unavailable'
  | 'upstream_failed';

/** An error that knows its response. Thrown anywhere in a handler, mapped once in `onError`. */
export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, string>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (what = 'resource') => new AppError(404, 'not_found', `${what} not found`);
export const forbidden = (message = 'you do not have access to this resource') =>
  new AppError(403, 'forbidden', message);

/** Turn a zod error into `{ field: message }`, field paths joined with dots. */
export function zodFields(error: ZodError): Record<string, string> {
  // A Map, not an object literal: a client's field may be called "__proto__", which assigned to a
  // plain object would set its prototype instead of adding a field (and leave the answer without it).
  const fields = new Map<string, string>();
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) fields.set([...issue.path, k].join('.'), 'unknown field');
      continue;
    }
    const key = issue.path.join('.') || '(body)';
    if (!fields.has(key))
      fields.set(key, issue.code === 'invalid_type' && issue.received === 'undefined' ? 'required' : issue.message);
  }
  return Object.fromEntries(fields);
}

export function errorBody(code: ErrorCode, message: string, fields?: Record<string, string>) {
  return { error: { code, message, ...(fields ? { fields } : {}) } };
}

/** The one error handler: known errors become their response; unknown ones are logged and become a plain 500. */
export function errorHandler(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      if (err.headers) for (const [k, v] of Object.entries(err.headers)) c.header(k, v);
      return c.json(errorBody(err.code, err.message, err.fields), err.status);
    }
    if (err instanceof HTTPException) {
      const status = err.status as ContentfulStatusCode;
      const code: ErrorCode =
        status === 413
          ? 'payload_too_large'
          : status === 401
            ? 'unauthenticated'
            : status === 403
              ? 'forbidden'
              : status === 404
                ? 'not_found'
                : 'bad_request';
      return c.json(errorBody(code, err.message || 'bad request'), status);
    }
    log.error('unhandled', {
      path: c.req.path,
      method: c.req.method,
      error: err.message,
      stack: err.stack?.split('\n').slice(0, 5).join(' | '),
    });
    return c.json(errorBody('internal', 'internal server error'), 500);
  };
}
