/**
 * The typed client's generated types (site/lib/api/schema.d.ts, committed) match the routes as
 * declared now: regenerated in memory and compared. A route whose answer changed without
 * `npm run api:types` fails here, and then in `npm run typecheck` wherever the site reads that answer.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiDocument, apiTypes, SCHEMA_FILE } from '../../scripts/api-types.ts';
import { makeTestApp } from '../helpers/app.ts';

describe('the generated API types', () => {
  it('are the ones the current route declarations give (run `npm run api:types` after changing a route)', async () => {
    const committed = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(committed === (await apiTypes()), `${SCHEMA_FILE} is stale: run npm run api:types`).toBe(true);
  }, 120_000);

  it('come from the same document the server serves at /api/openapi.json', async () => {
    const t = await makeTestApp();
    expect(await (await t.request('/api/openapi.json')).json()).toEqual(apiDocument());
  });

  it('type the answers, not just the paths', () => {
    const types = fs.readFileSync(SCHEMA_FILE, 'utf8');
    expect(types).toMatch(/OpenAttempt: \{[^}]*deadline_at: string \| null;/s);
    expect(types).toContain("'attempts.submit': {");
  });
});
