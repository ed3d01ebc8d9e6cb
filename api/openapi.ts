import { zodToJsonSchema } from 'zod-to-json-schema';
import type { RouteDoc } from './route.ts';

const accessText = (a: RouteDoc['access']) =>
  a === 'public' ? 'anyone' : a === 'authenticated' ? 'any signed-in user' : `roles: ${a.join(', ')}`;
const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)(\{[^}]*\})?/g, '{$1}');

const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
};

/** The OpenAPI 3.1 document, generated from the same route declarations that serve the API. */
export function openApiDocument(routes: RouteDoc[], version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = toOpenApiPath(r.path);
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ['path', r.params],
      ['query', r.query],
    ] as const) {
      if (!schema) continue;
      const json = zodToJsonSchema(schema, { target: 'openApi3' }) as {
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
    (paths[path] ??= {})[r.method] = {
      summary: r.summary,
      tags: [r.tag],
      description: `Access: ${accessText(r.access)}${r.fresh ? ', with a password confirmed in the last 10 minutes (POST /api/auth/reauth)' : ''}.`,
      ...(r.access === 'public' ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: {
                [r.form ? 'application/x-www-form-urlencoded' : 'application/json']: {
                  schema: zodToJsonSchema(r.body, { target: 'openApi3' }),
                },
              },
            },
          }
        : {}),
      responses: {
        200: { description: 'OK', content: { [r.produces ?? 'application/json']: {} } },
        ...(r.body || r.query || r.params
          ? { 400: { description: 'Invalid input', content: { 'application/json': { schema: errorSchema } } } }
          : {}),
        ...(r.access !== 'public' ? { 401: { description: 'Not signed in' } } : {}),
        ...(Array.isArray(r.access) ? { 403: { description: 'Wrong role or not your resource' } } : {}),
      },
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
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'oberih_session' } },
      schemas: { Error: errorSchema },
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
        `<tr><td><code>${r.method.toUpperCase()}</code></td><td><code>${esc(r.path)}</code></td><td>${esc(r.summary)}</td><td>${esc(accessText(r.access))}</td><td>${r.body ? '<details><summary>JSON body</summary><pre>' + esc(JSON.stringify(zodToJsonSchema(r.body, { target: 'openApi3' }), null, 1)) + '</pre></details>' : ''}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Oberih API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}pre{font-size:12px;white-space:pre-wrap}</style></head>
<body><main><h1>Oberih API</h1><p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.1). Authentication: the <code>oberih_session</code> cookie from <code>POST /api/auth/login</code>. State-changing requests must come from the site's own origin (CSRF). Errors are <code>{"error":{"code","message","fields"}}</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Who may call it</th><th>Input</th></tr></thead><tbody>${rows}</tbody></table></main></body></html>`;
}
