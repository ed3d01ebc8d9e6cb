/** A learner signed in through one app and already served from another's (or the same app's) session cache. */
import { expect } from 'vitest';
import type { Role } from '../../db/schema.ts';
import type { TestApp } from './app.ts';

export async function signedInAndCached(signIn: TestApp, serve: TestApp = signIn, role: Role = 'cadet') {
  const s = await signIn.userWithSession(role);
  const cache = serve.deps.sessionCache!;
  expect((await serve.request('/api/me', { cookie: s.cookie })).status).toBe(200);
  const hits = cache.stats.hits;
  expect((await serve.request('/api/me', { cookie: s.cookie })).status).toBe(200);
  expect(cache.stats.hits).toBe(hits + 1);
  return s;
}
