/**
 * The OpenAPI document is valid for a maintained third-party validator, has a unique operationId on
 * every operation, tags with descriptions, and no dangling `$ref`.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { describe, expect, it } from 'vitest';
import { OPERATION_IDS, operationIdOf } from '../../api/openapi.ts';
import { makeTestApp } from '../helpers/app.ts';

const t = await makeTestApp();
const doc = (await (await t.request('/api/openapi.json')).json()) as {
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, { operationId: string; tags: string[]; responses: Record<string, unknown> }>>;
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
