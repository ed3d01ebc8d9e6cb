/**
 * The API as a contract: every route declares its success answer (a zod schema of the JSON body, a
 * content type, or a redirect) and the error statuses it can give. Outside production
 * (`config.checkResponses`, on in tests and development) the route wrapper checks each real answer
 * against that declaration, so every API test is also a contract test; a mismatch answers
 * 500 `response_contract` naming the route, the path and the zod issue. In production it is off.
 */
import { z, type ZodTypeAny } from 'zod';
import { AppError } from './errors.ts';
import type { RouteDoc } from './route.ts';

/** The one error shape every error status answers with (see `errorBody` in api/errors.ts). */
export const ErrorBody = z
  .object({
    error: z
      .object({
        code: z.string().describe('Machine-readable, e.g. `validation_failed`, `not_found`, `conflict`'),
        message: z.string().describe('What went wrong, for people (English)'),
        fields: z.record(z.string()).optional().describe('Invalid input: field path → what is wrong with it'),
      })
      .strict(),
  })
  .strict();

/** Every status a route may answer with besides its success: the implied ones and the declared `errors`. */
export function errorStatuses(r: RouteDoc): number[] {
  const s = new Set<number>(r.errors ?? []);
  if (r.body || r.query || r.params) s.add(400);
  if (r.access !== 'public') s.add(401);
  // A role list, a record in the path (not yours), a state change (cross-origin), a fresh-password action.
  if (Array.isArray(r.access) || r.params || r.method !== 'get' || r.fresh) s.add(403);
  if (r.body) {
    s.add(413);
    s.add(415);
  }
  return [...s].sort((a, b) => a - b);
}

/** The success statuses a route declares (200 unless it says otherwise; 303 for a redirect). */
export const successStatuses = (r: RouteDoc): readonly number[] =>
  r.status === undefined ? [r.redirect ? 303 : 200] : typeof r.status === 'number' ? [r.status] : r.status;

const where = (r: RouteDoc, path: string) => `${r.method.toUpperCase()} ${r.path} (${path})`;

function breach(r: RouteDoc, path: string, what: string) {
  const message = `response contract broken by ${where(r, path)}: ${what}`;
  // Only outside production: said on the console too, so a failing test names the route and the issue.
  console.error(message);
  return new AppError(500, 'response_contract', message);
}

/** A thrown error whose status the route does not declare becomes a contract breach; anything else passes. */
export function checkThrown(r: RouteDoc, path: string, e: unknown): unknown {
  if (!(e instanceof AppError) || e.status === 500) return e;
  if (errorStatuses(r).includes(e.status)) return e;
  return breach(
    r,
    path,
    `answered ${e.status} ${e.code} ("${e.message}") but declares errors [${errorStatuses(r).join(', ')}]`,
  );
}

/** Check a handler's answer against its declaration; answers it unchanged when it holds. */
export async function checkAnswer(r: RouteDoc, path: string, res: Response): Promise<Response> {
  const status = res.status;
  const type = res.headers.get('content-type') ?? '';
  if (status >= 400) {
    if (status !== 500 && !errorStatuses(r).includes(status))
      throw breach(r, path, `answered ${status} but declares errors [${errorStatuses(r).join(', ')}]`);
    // A page for browsers (`produces: text/html`, e.g. the LTI launch) answers its errors with a page too.
    const htmlPage = r.produces?.toLowerCase() === 'text/html' && /^text\/html/i.test(type);
    if (status !== 500 && !htmlPage) await checkBody(r, path, ErrorBody, res);
    return res;
  }
  const expected = successStatuses(r);
  if (!expected.includes(status)) throw breach(r, path, `answered ${status} but declares ${expected.join(' or ')}`);
  if (r.redirect || status === 204 || status === 302 || status === 303) return res;
  if (r.produces) {
    if (!type.toLowerCase().startsWith(r.produces.toLowerCase()))
      throw breach(r, path, `answered Content-Type "${type}" but declares "${r.produces}"`);
    return res;
  }
  if (!/^application\/json/i.test(type)) throw breach(r, path, `answered Content-Type "${type}" instead of JSON`);
  await checkBody(r, path, r.response!, res);
  return res;
}

async function checkBody(r: RouteDoc, path: string, schema: ZodTypeAny, res: Response) {
  const body: unknown = await res.clone().json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.join('.');
    throw breach(
      r,
      path,
      issue.code === 'unrecognized_keys'
        ? `fields not in the declared schema: ${issue.keys.map((k) => (at ? `${at}.${k}` : k)).join(', ')}`
        : `at "${at || '(body)'}": ${issue.message} (${issue.code}); ${parsed.error.issues.length} issue(s)`,
    );
  }
  const extra = undeclaredKeys(body, parsed.data);
  if (extra.length) throw breach(r, path, `fields not in the declared schema: ${extra.slice(0, 5).join(', ')}`);
}

/**
 * Keys the answer has that the schema does not declare (zod objects strip unknown keys, so they are
 * the keys present in what was sent and missing from what was parsed). Keeps the declared schema
 * complete: a field the generated client's types do not know about, or one that should not leave
 * the server, fails the check.
 */
export function undeclaredKeys(sent: unknown, parsed: unknown, at = ''): string[] {
  if (Array.isArray(sent) && Array.isArray(parsed))
    return sent.flatMap((x, i) => undeclaredKeys(x, parsed[i], `${at}[${i}]`));
  if (!isObject(sent) || !isObject(parsed)) return [];
  return Object.keys(sent).flatMap((k) =>
    sent[k] === undefined
      ? []
      : !(k in parsed)
        ? [at ? `${at}.${k}` : k]
        : undeclaredKeys(sent[k], parsed[k], at ? `${at}.${k}` : k),
  );
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
