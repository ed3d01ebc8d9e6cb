import type { ZodTypeAny } from 'zod';
import { ignoreOverride, zodToJsonSchema } from 'zod-to-json-schema';
import { ErrorBody, errorStatuses, successStatuses } from './contract.ts';
import type { RouteDoc } from './route.ts';
import { nameOfDef, namedSchema } from './routes/schemas/common.ts';
import { SESSION_COOKIE } from './auth/session.ts';

const accessText = (a: RouteDoc['access']) =>
  a === 'public' ? 'anyone' : a === 'authenticated' ? 'any signed-in user' : `roles: ${a.join(', ')}`;
const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');

/**
 * JSON Schema of a zod schema, self-contained: a schema reused inside another is inlined, because
 * zod-to-json-schema's `$ref`s are relative to the schema and dangle once placed in the document.
 */
export const jsonSchema = (schema: ZodTypeAny) => {
  const { $schema: _drop, ...rest } = zodToJsonSchema(schema, {
    target: 'jsonSchema7',
    $refStrategy: 'none',
  }) as Record<string, unknown>;
  return rest;
};

/**
 * Response schemas, with every schema named by `named()` (api/routes/schemas/common.ts) hoisted into
 * `components/schemas` under its name and referenced from wherever it is used; the rest inlined.
 */
export function componentRegistry() {
  const schemas: Record<string, unknown> = {};
  const toJson = (schema: ZodTypeAny, self?: string): Record<string, unknown> => {
    const { $schema: _drop, ...rest } = zodToJsonSchema(schema, {
      target: 'jsonSchema7',
      $refStrategy: 'none',
      override: (def, refs) => {
        const name = nameOfDef(def);
        // The component being written is itself, not a reference to itself.
        if (!name || (name === self && refs.currentPath.length <= 1)) return ignoreOverride;
        if (!(name in schemas)) {
          schemas[name] = {};
          schemas[name] = toJson(namedSchema(name)!, name);
        }
        return { $ref: `#/components/schemas/${name}` };
      },
    }) as Record<string, unknown>;
    return rest;
  };
  return { schemas, toJson };
}

/** What each error status means, for the document. */
const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: the message and `fields` say what',
  401: 'Not signed in, the session has expired, or the credentials are wrong',
  403: 'Wrong role, not your record, a cross-origin request, or a password to confirm first',
  404: 'No such record (or not one you may know of)',
  409: 'Conflicts with the record’s state (already done, already exists, limit reached)',
  410: 'Gone: deleted, revoked or erased',
  413: 'The body is larger than BODY_LIMIT',
  415: 'The body is not in the declared content type',
  422: 'Understood but cannot be processed',
  429: 'Too many requests: wait for the seconds in Retry-After',
  503: 'Temporarily unavailable',
};
const SUCCESS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted (kept, decided later)',
  204: 'No content',
  302: 'Found: on to the platform (the LTI login redirect)',
  303: 'See Other: back to a page',
};

/** The API's version in the document: see docs/api.md (versioning and deprecation). */
export const API_VERSION = '0.1.0';

/** What each tag groups, for the document's `tags`. */
export const TAG_DESCRIPTIONS: Record<string, string> = {
  auth: 'Signing in and out, enrolment codes, password set-up and reset links.',
  me: 'The signed-in person: who they are, their password.',
  progress: 'Module views, completions and practice results (idempotent per client id), and progress read back.',
  assessment: 'Graded attempts: start (server-drawn questions), read, submit (server-scored).',
  certificates: 'Certificates: the learner’s list, PDFs, cohort lists, revocation.',
  verify: 'The public certificate register and the signing keys (no sign-in).',
  cohorts: 'Cohorts: courses, enrolment codes, members, CSV import.',
  reports: 'Cohort reports, learner drill-down, item analysis, CSV exports.',
  admin: 'Administration: users, every cohort, backups, the email outbox.',
  privacy: 'Personal data: export and erasure of one person.',
  scorm: 'SCORM packages exported for an LMS.',
  evaluation:
    'Built-in evaluation: the pre-test before module 1, anonymous reaction and follow-up questionnaires, cohort aggregates.',
  lti: 'LTI 1.3 Advantage tool: registration, launch, deep linking, roster and grade sync with platforms such as Moodle.',
  system: 'Health check.',
  programme:
    'The programme view: oblasts, organisations, and coordinators’ aggregate dashboard, CSV and PDF report (cells under 5 suppressed).',
  consultations: 'Consultation requests: open, reply, close with a rating, delete; the supervisor queue and dashboard.',
  supervision: 'Supervisor scopes, group supervision sessions with sign-ups and attendance, and figures.',
  'case-notes': 'The case library: de-identified notes from closed consultations, reviewed by a second supervisor.',
  notifications: 'The header bell: your notifications and unread count.',
};

/** Where the derived id would read badly or clash, the id chosen by hand (keyed by method and path). */
export const OPERATION_IDS: Record<string, string> = {
  'get /api/health': 'system.health',
  'get /api/me': 'me.get',
  'post /api/me/password': 'me.changePassword',
  'post /api/progress/events': 'progress.record',
  'get /api/me/progress': 'progress.mine',
  'get /api/me/progress/:course': 'progress.mineInCourse',
  'get /api/courses/:courseId/attempts': 'attempts.list',
  'post /api/courses/:courseId/attempts': 'attempts.start',
  'get /api/admin/users': 'users.list',
  'post /api/admin/users': 'users.create',
  'get /api/me/certificates': 'certificates.mine',
  'get /api/cohorts/:id/certificates.csv': 'certificates.cohortCsv',
  'get /.well-known/oberih-certificates.json': 'verify.keys',
  'put /api/cohorts/:id/courses/:courseId': 'cohorts.assignCourse',
  'delete /api/cohorts/:id/courses/:courseId': 'cohorts.unassignCourse',
  'post /api/cohorts/:id/codes': 'codes.create',
  'get /api/cohorts/:id/members': 'members.list',
  'delete /api/cohorts/:id/members/:userId': 'members.remove',
  'get /api/reports/cohorts/:id': 'reports.cohort',
  'get /api/reports/cohorts/:id/learners/:userId': 'reports.learner',
  'get /api/reports/cohorts/:id/items': 'reports.items',
  'get /api/reports/cohorts/:id/grades.csv': 'reports.gradesCsv',
  'get /api/reports/cohorts/:id/responses.csv': 'reports.responsesCsv',
  'get /api/admin/cohorts': 'cohorts.listAll',
  'get /api/admin/backup': 'admin.backup',
  'get /api/admin/users/:id/export': 'privacy.export',
  'post /api/admin/users/:id/erase': 'privacy.erase',
};

/**
 * `resource.action` from method and path: `GET /api/cohorts` → `cohorts.list`, `GET /api/cohorts/:id`
 * → `cohorts.get`, `POST /api/attempts/:id/submit` → `attempts.submit`, `GET /api/reports/cohorts/:id/grades.csv`
 * → `cohorts.gradesCsv`. A route can name its own with `operationId`.
 */
export function operationIdOf(r: Pick<RouteDoc, 'method' | 'path' | 'tag'>): string {
  const camel = (x: string) => x.replace(/[-_.]+([a-zA-Z0-9])/g, (_, ch: string) => ch.toUpperCase());
  const segments = r.path.split('/').filter((x) => x && x !== 'api' && x !== '.well-known');
  const last = segments.at(-1) ?? r.tag;
  const beforeLast = segments.at(-2);
  const verbs = { get: 'list', post: 'create', put: 'replace', patch: 'update', delete: 'delete' } as const;
  // On an item: cohorts/:id → cohorts.get / .update / .delete.
  if (last.startsWith(':')) {
    const resource = segments.filter((x) => !x.startsWith(':')).at(-1) ?? r.tag;
    const verb = r.method === 'get' ? 'get' : r.method === 'post' ? 'act' : verbs[r.method];
    return `${camel(resource)}.${verb}`;
  }
  // An action or a sub-resource after an id: attempts/:id/submit → attempts.submit (GET: attempts.getX).
  if (beforeLast?.startsWith(':')) {
    const resource = segments.filter((x) => !x.startsWith(':')).at(-2) ?? r.tag;
    const action = camel(last);
    return `${camel(resource)}.${r.method === 'get' ? `get${action[0]!.toUpperCase()}${action.slice(1)}` : r.method === 'post' ? action : `${verbs[r.method]}${action[0]!.toUpperCase()}${action.slice(1)}`}`;
  }
  // A collection: cohorts → cohorts.list / cohorts.create.
  if (segments.length === 1) return `${camel(last)}.${verbs[r.method]}`;
  // A named endpoint under a resource: auth/login → auth.login; me/progress (GET) → me.getProgress.
  const action = camel(last);
  const resource = camel(beforeLast ?? r.tag);
  return `${resource}.${r.method === 'get' ? `get${action[0]!.toUpperCase()}${action.slice(1)}` : action}`;
}

/** The one error shape, from the zod schema the contract check uses. */
const errorSchema = jsonSchema(ErrorBody);

/** The OpenAPI 3.1 document, generated from the same route declarations that serve the API. */
export function openApiDocument(routes: RouteDoc[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  const ids = new Map<string, number>();
  const components = componentRegistry();
  for (const r of routes) {
    // Unique even where two routes would read alike (a second one gets its method's name added).
    let operationId = r.operationId ?? OPERATION_IDS[`${r.method} ${r.path}`] ?? operationIdOf(r);
    if (ids.has(operationId)) operationId = `${operationId}${r.method[0]!.toUpperCase()}${r.method.slice(1)}`;
    ids.set(operationId, 1);
    const path = toOpenApiPath(r.path);
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = jsonSchema(schema) as {
        properties?: Record<string, unknown>;
        required?: string[];
      };
      for (const [name, s] of Object.entries(json.properties ?? {}))
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (json.required ?? []).includes(name),
          schema: s,
        });
    }
    const error = (status: number) => ({
      description: status === 415 && r.form ? 'Not a form (application/x-www-form-urlencoded)' : ERROR_TEXT[status]!,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    });
    const success = (status: number) =>
      r.redirect || status === 302 || status === 303
        ? { description: SUCCESS_TEXT[status], headers: { Location: { schema: { type: 'string' } } } }
        : r.produces
          ? {
              description: SUCCESS_TEXT[status],
              content: {
                [r.produces]: {
                  schema: r.produces.startsWith('text/') ? { type: 'string' } : { type: 'string', format: 'binary' },
                },
              },
            }
          : status === 204
            ? { description: SUCCESS_TEXT[status] }
            : {
                description: SUCCESS_TEXT[status],
                content: {
                  'application/json': {
                    schema: components.toJson(r.response!),
                    ...(r.example !== undefined ? { example: r.example } : {}),
                  },
                },
              };
    (paths[path] ??= {})[r.method] = {
      operationId,
      summary: r.summary,
      tags: [r.tag],
      description: `Access: ${accessText(r.access)}${r.fresh ? ', with a password confirmed in the last 10 minutes (POST /api/auth/reauth)' : ''}.`,
      security: r.access === 'public' ? [] : [{ session: [] }],
      ...(r.deprecated ? { deprecated: true } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                [r.form ? 'application/x-www-form-urlencoded' : 'application/json']: {
                  schema: jsonSchema(r.body),
                },
              },
            },
          }
        : {}),
      responses: Object.fromEntries([
        ...successStatuses(r).map((st) => [String(st), success(st)]),
        ...errorStatuses(r).map((st) => [String(st), error(st)]),
      ]),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Oberih API',
      version,
      description:
        'Progress, assessments, certificates and cohorts for the Oberih learning platform. Errors: `{ "error": { "code", "message", "fields"? } }`.',
    },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({
      name,
      description: TAG_DESCRIPTIONS[name] ?? name,
    })),
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: SESSION_COOKIE,
          description:
            'The session cookie set by POST /api/auth/login (named `__Host-oberih_session` in production, over HTTPS). There is no CSRF token: a state-changing request that carries the cookie must send an `Origin` header with the site’s own origin (or a configured TRUSTED_ORIGINS one), as browsers do; otherwise it answers 403 `csrf_rejected`.',
        },
      },
      schemas: { Error: errorSchema, ...components.schemas },
    },
    security: [{ session: [] }],
    paths,
  };
}

const esc = (s: string) =>
  s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

/** Human-readable API docs: a self-contained page (no CDN, works offline and under our CSP). */
export function apiDocsHtml(routes: RouteDoc[]) {
  const rows = routes
    .map(
      (r) =>
        `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(r.path)}</code></td><td>${esc(r.summary)}</td><td>${esc(accessText(r.access))}</td><td>${r.body ? '<details><summary>JSON body</summary><pre>' + esc(JSON.stringify(jsonSchema(r.body), null, 1)) + '</pre></details>' : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Oberih API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}pre{font-size:12px;white-space:pre-wrap}</style></head>
<body><main><h1>Oberih API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authentication: the <code>oberih_session</code> cookie from <code>POST /api/auth/login</code>. State-changing requests must come from the site's own origin (CSRF). Errors are <code>{"error":{"code","message","fields"}}</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Who may call it</th><th>Input</th></tr></thead><tbody>${rows}</tbody></table></main></body></html>`;
}
