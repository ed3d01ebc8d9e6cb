/**
 * The body limit (api/middleware/body-limit.ts) holds both ways a body can arrive: with a
 * Content-Length (judged by the header, the body is never read) and streamed without one (counted
 * as it arrives), through the real app.
 */
import { describe, expect, it } from 'vitest';
import { makeTestApp, ORIGIN } from '../helpers/app.ts';

describe('body limit', async () => {
  const t = await makeTestApp({ config: { bodyLimit: 2048 } });
  const { cookie } = await t.userWithSession('cadet');
  const events = (n: number) =>
    JSON.stringify({
      events: Array.from({ length: n }, (_, i) => ({
        id: `limit-test-${n}-${i}`,
        course: 'fixture-course',
        module: 'words',
        kind: 'viewed',
        at: new Date().toISOString(),
      })),
    });
  const headers = { 'content-type': 'application/json', origin: ORIGIN, cookie };
  const stream = (text: string) =>
    new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(text));
        c.close();
      },
    });

  it('a body within the limit is stored, with or without a Content-Length', async () => {
    expect(
      (
        await t.request('/api/progress/events', {
          cookie,
          body: events(2),
          headers: { 'content-type': 'application/json' },
        })
      ).status,
    ).toBe(200);
    const res = await t.app.request(`${ORIGIN}/api/progress/events`, {
      method: 'POST',
      headers,
      body: stream(events(3)),
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ stored: 3, duplicates: 0 });
  });

  it('a larger body gets 413 payload_too_large, whether it says its length or streams it', async () => {
    const big = events(40);
    expect(big.length).toBeGreaterThan(2048);
    const declared = await t.app.request(`${ORIGIN}/api/progress/events`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(big.length) },
      body: big,
    });
    expect(declared.status).toBe(413);
    expect((await declared.json()).error.code).toBe('payload_too_large');
    const streamed = await t.app.request(`${ORIGIN}/api/progress/events`, {
      method: 'POST',
      headers,
      body: stream(big),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await streamed.json()).error.code).toBe('payload_too_large');
    expect(
      Number(
        (
          await t.deps.db
            .selectFrom('progress_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('client_id', 'like', 'limit-test-40-%')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(0);
  });
});
