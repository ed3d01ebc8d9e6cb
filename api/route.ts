/**
 * One way to declare an API route: method, path, who may call it, and the zod schemas of its input.
 * The same declaration registers the handler, enforces the role check and validation, and feeds the
 * OpenAPI document and the RBAC matrix test, so no route can exist without an access rule.
 */
import { Hono, type Context } from 'hono';
import { type z, type ZodTypeAny } from 'zod';
import { AppError, zodFields } from './errors.ts';
import { checkAnswer, checkThrown } from './contract.ts';
import type { AppEnv } from './env.ts';
import type { Role } from '../db/schema.ts';
import { sessions } from './auth/session.ts';

/** Who may call a route: anyone, any signed-in user, or the listed roles. */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Full path in Hono syntax, e.g. `/api/attempts/:id/submit`. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: ZodTypeAny;
  query?: ZodTypeAny;
  params?: ZodTypeAny;
  /** Content type of a successful answer when it is not JSON. */
  produces?: string;
  /** The body is an HTML form (application/x-www-form-urlencoded) instead of JSON. */
  form?: boolean;
  /** The OpenAPI operationId when the one derived from method and path (`resource.action`) reads badly. */
  operationId?: string;
  /**
   * A dangerous action: the session must have proved its password (sign-in or `POST /api/auth/reauth`)
   * within the last 10 minutes (ASVS 5.0 7.5.3), so a stolen or unattended session cannot do it.
   */
  fresh?: boolean;
  /** The JSON body of a successful answer (zod): documented, and checked against what the handler returns outside production. */
  response?: ZodTypeAny;
  /** The answer is a redirect (303 See Other) to a page, not a body. */
  redirect?: boolean;
  /** The success status when it is not 200 (e.g. 201); several when the answer says something by it (200 or 202). */
  status?: SuccessStatus | readonly SuccessStatus[];
  /** The error statuses this route can answer besides the ones implied (400 from input, 401/403 from access, 413/415 from a body). */
  errors?: readonly ErrorStatus[];
  /** An example of the success body, shown in the OpenAPI document (a test parses it with `response`). */
  example?: unknown;
  /** Going away: marked `deprecated` in the document for at least one minor release (docs/api.md). */
  deprecated?: boolean;
}

export type SuccessStatus = 200 | 201 | 202 | 204 | 302 | 303;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 422 | 429 | 503;

/**
 * What a successful answer is: a JSON body with its zod schema, a non-JSON content type (CSV, PDF,
 * zip…), or a redirect. Exactly one is required, so a route cannot be declared without its answer.
 */
export type Answer =
  | { response: ZodTypeAny; produces?: never; redirect?: never }
  | { produces: string; response?: never; redirect?: never }
  | { redirect: true; response?: never; produces?: never };

type Out<S> = S extends ZodTypeAny ? z.output<S> : undefined;

export interface Input<B, Q, P> {
  body: Out<B>;
  query: Out<Q>;
  params: Out<P>;
}

export const JSON_TYPES = /^application\/(.+\+)?json\s*(;|$)/i;

export class Resource {
  readonly app = new Hono<AppEnv>();
  readonly docs: RouteDoc[] = [];
  constructor(
    readonly prefix: string,
    readonly tag: string,
  ) {}

  route<
    B extends ZodTypeAny | undefined = undefined,
    Q extends ZodTypeAny | undefined = undefined,
    P extends ZodTypeAny | undefined = undefined,
  >(
    meta: {
      method: RouteDoc['method'];
      path: string;
      summary: string;
      access: Access;
      body?: B;
      query?: Q;
      params?: P;
      form?: boolean;
      operationId?: string;
      fresh?: boolean;
      status?: SuccessStatus | readonly SuccessStatus[];
      errors?: readonly ErrorStatus[];
      example?: unknown;
      deprecated?: boolean;
    } & Answer,
    handler: (c: Context<AppEnv>, input: Input<B, Q, P>) => Response | Promise<Response>,
  ): this {
    const doc: RouteDoc = { ...meta, path: this.prefix + (meta.path === '/' ? '' : meta.path), tag: this.tag };
    this.docs.push(doc);
    const serve = async (c: Context<AppEnv>) => {
      authorize(c, meta.access);
      if (meta.fresh) await requireFresh(c);
      const input = {
        params: meta.params ? parse(meta.params, c.req.param(), 'path parameter') : undefined,
        query: meta.query ? parse(meta.query, c.req.query(), 'query parameter') : undefined,
        body: meta.body ? parse(meta.body, meta.form ? await readForm(c) : await readJson(c), 'body') : undefined,
      } as Input<B, Q, P>;
      return handler(c, input);
    };
    this.app.on(meta.method.toUpperCase(), meta.path, async (c) => {
      // Outside production every answer is checked against the declaration (api/contract.ts).
      if (!c.get('deps').config.checkResponses) return serve(c);
      let res: Response;
      try {
        res = await serve(c);
      } catch (e) {
        throw checkThrown(doc, c.req.path, e);
      }
      return checkAnswer(doc, c.req.path, res);
    });
    return this;
  }
}

/** The role check every route goes through. */
export function authorize(c: Context<AppEnv>, access: Access) {
  if (access === 'public') return;
  const user = c.get('user');
  if (!user) throw new AppError(401, 'unauthenticated', 'sign in first (no valid session)');
  if (access === 'authenticated') return;
  if (!access.includes(user.role))
    throw new AppError(403, 'forbidden', `this action needs the role ${access.join(' or ')}`);
  // ASVS 5.0 6.3.3: admins work with a second factor. Until they enrol, only their own account's routes answer.
  if (user.role === 'admin' && !user.mfa && c.get('deps').config.requireAdminMfa)
    throw new AppError(
      403,
      'mfa_enrolment_required',
      'set up the second factor first (POST /api/auth/totp/setup, then /enable): admins must use one',
    );
}

/** The re-authentication check of `fresh` routes (after the role check, before any input is read). */
async function requireFresh(c: Context<AppEnv>) {
  const deps = c.get('deps');
  const id = c.get('sessionId');
  if (!id || !(await sessions(deps.db, deps.now).isFresh(id)))
    throw new AppError(
      403,
      'reauth_required',
      'confirm your password first (POST /api/auth/reauth): this action needs a sign-in within the last 10 minutes',
    );
}

async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!JSON_TYPES.test(type)) {
    throw new AppError(
      415,
      'unsupported_media_type',
      `send the body as application/json (got ${type ? `"${type.slice(0, 60)}"` : 'no Content-Type'})`,
    );
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError(400, 'malformed_json', `the body is not valid JSON: ${(e as Error).message.slice(0, 120)}`);
  }
}

async function readForm(c: Context<AppEnv>): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type)) {
    throw new AppError(
      415,
      'unsupported_media_type',
      `send the form as application/x-www-form-urlencoded (got ${type ? `"${type.slice(0, 60)}"` : 'no Content-Type'})`,
    );
  }
  return Object.fromEntries(new URLSearchParams(await c.req.text()));
}

function parse<S extends ZodTypeAny>(schema: S, data: unknown, where: string): z.output<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const fields = zodFields(r.error);
  const first = Object.entries(fields)[0]!;
  throw new AppError(400, 'validation_failed', `invalid ${where} "${first[0]}": ${first[1]}`, fields);
}
