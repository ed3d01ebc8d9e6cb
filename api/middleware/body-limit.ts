import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../env.ts';

/**
 * Hono's `bodyLimit`, with its header-only case answered without touching the body. Hono's version
 * first reads `c.req.raw.body`, which on @hono/node-server turns the lightweight request into a full
 * web `Request` with a web stream over the socket (a large share of a small POST's cost), although a
 * request with a Content-Length and no Transfer-Encoding is then judged by that header alone. Here
 * that case (and GET/HEAD, which carry no body) is decided from the headers; every other request
 * (chunked, or without a length) goes through Hono's middleware, which counts the bytes as they arrive.
 */
export function limitBody(
  maxSize: number,
  onError: (c: Context<AppEnv>) => Response | Promise<Response>,
): MiddlewareHandler<AppEnv> {
  const counted = bodyLimit({ maxSize, onError });
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      return parseInt(length || '0', 10) > maxSize ? Promise.resolve(onError(c)) : next();
    }
    return counted(c, next);
  };
}
