/**
 * The API as a contract (issue #27): outside production every answer is checked against its route's
 * declaration, so a handler that answers something else fails loudly (500 `response_contract`, naming
 * the route, the path and the zod issue) instead of reaching a client; in production the check is off.
 */
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { resources } from '../../api/app.ts';
import { undeclaredKeys } from '../../api/contract.ts';
import type { Deps } from '../../api/deps.ts';
import type { AppEnv } from '../../api/env.ts';
import { AppError, errorHandler } from '../../api/errors.ts';
import { silentLogger } from '../../api/log.ts';
import { Resource } from '../../api/route.ts';
import { makeTestApp } from '../helpers/app.ts';

const Thing = z.object({ thing: z.object({ id: z.number().int(), name: z.string() }).strict() }).strict();

/** A resource whose handlers break their declarations in every way the check knows. */
function liar() {
  return new Resource('/api/things', 'system')
    .route({ method: 'get', path: '/right', summary: 'honest', access: 'public', response: Thing }, (c) =>
      c.json({ thing: { id: 1, name: 'a' } }),
    )
    .route({ method: 'get', path: '/wrong-type', summary: 'id as text', access: 'public', response: Thing }, (c) =>
      c.json({ thing: { id: '1', name: 'a' } }),
    )
    .route({ method: 'get', path: '/extra', summary: 'leaks a field', access: 'public', response: Thing }, (c) =>
      c.json({ thing: { id: 1, name: 'a', password_hash: '$argon2id$…' } }),
    )
    .route({ method: 'post', path: '/status', summary: 'says 201', access: 'public', response: Thing }, (c) =>
      c.json({ thing: { id: 1, name: 'a' } }, 201),
    )
    .route(
      { method: 'post', path: '/conflict', summary: 'declares 409', access: 'public', response: Thing, errors: [409] },
      () => {
        throw new AppError(409, 'conflict', 'already done');
      },
    )
    .route({ method: 'post', path: '/undeclared', summary: 'throws 409', access: 'public', response: Thing }, () => {
      throw new AppError(409, 'conflict', 'already done');
    })
    .route({ method: 'get', path: '/csv', summary: 'CSV', access: 'public', produces: 'text/csv' }, (c) =>
      c.json({ not: 'csv' }),
    );
}

function appWith(checkResponses: boolean) {
  const app = new Hono<AppEnv>();
  app.onError(errorHandler(silentLogger));
  app.use('*', async (c, next) => {
    c.set('deps', { config: { checkResponses } } as unknown as Deps);
    c.set('user', null);
    await next();
  });
  const r = liar();
  app.route(r.prefix, r.app);
  return app;
}

const quiet = () => vi.spyOn(console, 'error').mockImplementation(() => {});

describe('the response check (on in tests and development)', () => {
  const app = appWith(true);

  it('lets an answer that matches its declaration through unchanged', async () => {
    const res = await app.request('/api/things/right');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ thing: { id: 1, name: 'a' } });
  });

  it('fails a body that differs from the schema, naming the route, the path and the zod issue', async () => {
    const spy = quiet();
    const res = await app.request('/api/things/wrong-type');
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('response_contract');
    expect(body.error.message).toContain('GET /api/things/wrong-type');
    expect(body.error.message).toContain('"thing.id"');
    expect(body.error.message).toMatch(/Expected number, received string/);
    expect(spy).toHaveBeenCalledWith(expect.stringContaining('response contract broken'));
    spy.mockRestore();
  });

  it('fails a field the schema does not declare (a leak the generated types would not show)', async () => {
    const spy = quiet();
    const res = await app.request('/api/things/extra');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('thing.password_hash');
    spy.mockRestore();
  });

  it('fails a success status other than the declared one', async () => {
    const spy = quiet();
    const res = await app.request('/api/things/status', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
      'answered 201 but declares 200',
    );
    spy.mockRestore();
  });

  it('passes a declared error status and fails an undeclared one', async () => {
    const spy = quiet();
    expect((await app.request('/api/things/conflict', { method: 'POST' })).status).toBe(409);
    const res = await app.request('/api/things/undeclared', { method: 'POST' });
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/answered 409 conflict/);
    spy.mockRestore();
  });

  it('fails a content type other than the declared one', async () => {
    const spy = quiet();
    const res = await app.request('/api/things/csv');
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('declares "text/csv"');
    spy.mockRestore();
  });
});

describe('in production', () => {
  it('the check is off: the same wrong answers leave as the handler wrote them', async () => {
    const app = appWith(false);
    expect(await (await app.request('/api/things/wrong-type')).json()).toEqual({ thing: { id: '1', name: 'a' } });
    expect((await app.request('/api/things/status', { method: 'POST' })).status).toBe(201);
  });

  it('bootstrap turns it off with production and on otherwise', async () => {
    const dev = await makeTestApp();
    expect(dev.deps.config.checkResponses).toBe(true);
    const prod = await makeTestApp({ config: { production: true } });
    expect(prod.deps.config.checkResponses).toBe(false);
  });
});

describe('the declarations', () => {
  const routes = resources().flatMap((r) => r.docs);

  it('every route declares a JSON schema, a content type or a redirect', () => {
    for (const r of routes) expect(!!r.response || !!r.produces || !!r.redirect, `${r.method} ${r.path}`).toBe(true);
  });

  it('every example parses with its route’s schema and declares no field the schema lacks', () => {
    const withExamples = routes.filter((r) => r.example !== undefined);
    expect(withExamples.length).toBeGreaterThanOrEqual(5);
    for (const r of withExamples) {
      const parsed = r.response!.safeParse(r.example);
      expect(parsed.success, `${r.method} ${r.path}: ${parsed.error?.message}`).toBe(true);
      expect(undeclaredKeys(r.example, parsed.data)).toEqual([]);
    }
  });
});
