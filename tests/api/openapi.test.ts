/**
 * The OpenAPI document is valid for a maintained third-party validator, has a unique operationId on
 * every operation, tags with descriptions, and no dangling `$ref`.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { OPERATION_IDS, operationIdOf } from '../../api/openapi.ts';
import { makeTestApp } from '../helpers/app.ts';

const t = await makeTestApp();
interface Media {
  schema?: { $ref?: string; type?: string };
  example?: unknown;
}
interface Operation {
  operationId: string;
  tags: string[];
  security: Record<string, string[]>[];
  description: string;
  responses: Record<string, { content?: Record<string, Media>; headers?: Record<string, unknown> }>;
}
const doc = (await (await t.request('/api/openapi.json')).json()) as {
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { type: string; in: string }> };
};
const operations = Object.entries(doc.paths).flatMap(([p, methods]) =>
  Object.entries(methods).map(([m, op]) => ({ path: p, method: m, ...op })),
);

describe('the OpenAPI document', () => {
  it('validates with @apidevtools/swagger-parser (every $ref resolves)', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('has no $ref other than into components', () => {
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.filter((r) => !r.startsWith('#/components/'))).toEqual([]);
  });

  it('every operation has a unique resource.action operationId', () => {
    const ids = operations.map((o) => o.operationId);
    expect(
      ids.every((id) => /^[a-z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*$/.test(id)),
      ids.join(', '),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every operation has a typed success answer: a JSON schema, a declared content type, or a redirect', () => {
    for (const o of operations) {
      const ok = Object.entries(o.responses).filter(([status]) => /^[23]\d\d$/.test(status));
      expect(ok.length, `${o.method} ${o.path}`).toBeGreaterThan(0);
      for (const [status, r] of ok) {
        if (status.startsWith('3')) {
          expect(r.headers, `${o.method} ${o.path}`).toHaveProperty('Location');
          continue;
        }
        const [type, media] = Object.entries(r.content ?? {})[0] ?? [];
        expect(type, `${o.method} ${o.path} ${status}`).toBeTruthy();
        expect(media?.schema, `${o.method} ${o.path} ${status}`).toBeTruthy();
        // JSON answers are typed objects (or references to one), never an empty schema.
        if (type === 'application/json') expect(Object.keys(media!.schema!).length).toBeGreaterThan(0);
      }
    }
  });

  it('every error answer references the one Error schema', () => {
    for (const o of operations)
      for (const [status, r] of Object.entries(o.responses))
        if (Number(status) >= 400)
          expect(r.content?.['application/json']?.schema?.$ref, `${o.method} ${o.path} ${status}`).toBe(
            '#/components/schemas/Error',
          );
    expect(doc.components.schemas.Error).toBeTruthy();
  });

  it('reused response schemas are hoisted into components under stable names', () => {
    for (const name of ['Cohort', 'Certificate', 'SessionUser', 'OpenAttempt', 'AttemptResult', 'MyCourse', 'Ok'])
      expect(doc.components.schemas, name).toHaveProperty(name);
    const start = operations.find((o) => o.operationId === 'attempts.start')!;
    expect(JSON.stringify(start.responses['201'])).toContain('#/components/schemas/OpenAttempt');
    // The main operations show an example.
    expect(
      operations.find((o) => o.operationId === 'auth.login')!.responses['200']!.content!['application/json']!.example,
    ).toBeTruthy();
  });

  it('security follows each route’s access: none for public routes, the session cookie for the rest', () => {
    expect(doc.components.securitySchemes.session).toMatchObject({ type: 'apiKey', in: 'cookie' });
    for (const o of operations) {
      const isPublic = o.description.startsWith('Access: anyone');
      expect(o.security, `${o.method} ${o.path}`).toEqual(isPublic ? [] : [{ session: [] }]);
    }
  });

  it('every tag used is described', () => {
    const described = new Map(doc.tags.map((x) => [x.name, x.description]));
    for (const o of operations) for (const tag of o.tags) expect(described.get(tag), tag).toMatch(/\w{4,}.*\s\w+/);
  });

  it('documents the error answers a route can give besides 400/401/403', () => {
    const withBody = operations.find((o) => o.path === '/api/auth/login')!;
    expect(Object.keys(withBody.responses)).toEqual(expect.arrayContaining(['200', '400', '413', '415']));
    const item = operations.find((o) => o.path === '/api/cohorts/{id}' && o.method === 'get')!;
    expect(Object.keys(item.responses)).toContain('404');
  });

  it('derives readable ids', () => {
    expect(operationIdOf({ method: 'get', path: '/api/cohorts', tag: 'cohorts' })).toBe('cohorts.list');
    expect(operationIdOf({ method: 'post', path: '/api/cohorts', tag: 'cohorts' })).toBe('cohorts.create');
    expect(operationIdOf({ method: 'get', path: '/api/cohorts/:id', tag: 'cohorts' })).toBe('cohorts.get');
    expect(operationIdOf({ method: 'post', path: '/api/attempts/:id/submit', tag: 'assessment' })).toBe(
      'attempts.submit',
    );
    expect(operationIdOf({ method: 'post', path: '/api/auth/login', tag: 'auth' })).toBe('auth.login');
  });
});

describe('operation ids chosen by hand', () => {
  it('name routes that exist (a renamed route must not leave a stale entry)', () => {
    const declared = new Set(operations.map((o) => `${o.method} ${o.path.replace(/\{([^}]+)\}/g, ':$1')}`));
    for (const key of Object.keys(OPERATION_IDS)) expect(declared, key).toContain(key);
  });
});
