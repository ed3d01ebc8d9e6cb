/** Concurrent write load against a running server, recording exactly what the server acknowledged. */
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';

export interface Acknowledged {
  events: Map<string, string>; // client id → learner email
  attempts: Map<string, number>; // attempt id → number of questions answered
  ackedAt: Map<string, number>; // id → time acknowledged
}

export const newAcks = (): Acknowledged => ({ events: new Map(), attempts: new Map(), ackedAt: new Map() });

/** A copy of the fixture content whose course allows unlimited attempts (the crash test makes many). */
export function unlimitedContent(dir: string): string {
  const content = path.join(dir, 'content');
  fs.cpSync('tests/fixtures/content', content, { recursive: true });
  const course = path.join(content, 'courses/fixture-course/course.yaml');
  fs.writeFileSync(course, fs.readFileSync(course, 'utf8').replace(/maxAttempts: \d+, /, ''));
  return content;
}

export async function login(base: string, email: string, password = 'demo-cadet-2026'): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
  return res.headers
    .getSetCookie()
    .find((c) => c.startsWith('oberih_session='))!
    .split(';')[0]!;
}

/**
 * Run writers until `stop()` resolves: progress batches and attempt start+submit. Network errors
 * (the server being killed) end a request unacknowledged, which is exactly the point.
 */
export function runLoad(base: string, learners: { email: string; cookie: string }[], acks: Acknowledged, tag: string) {
  let running = true;
  let seq = 0;
  const post = (cookie: string, url: string, body: unknown) =>
    fetch(`${base}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  const progressWorker = async (l: { email: string; cookie: string }) => {
    while (running) {
      const ids = Array.from({ length: 5 }, () => `${tag}-${seq++}-${Math.random().toString(36).slice(2, 8)}`);
      const at = new Date(Date.now() - 1000).toISOString();
      try {
        const res = await post(l.cookie, '/api/progress/events', {
          events: ids.map((id) => ({ id, course: 'fixture-course', module: 'words', kind: 'viewed', at })),
        });
        if (res.status === 200)
          for (const id of ids) {
            acks.events.set(id, l.email);
            acks.ackedAt.set(id, Date.now());
          }
        else if (res.status >= 500) throw new Error(`unexpected ${res.status}`);
      } catch (e) {
        if ((e as Error).message.startsWith('unexpected')) throw e;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const attemptWorker = async (l: { email: string; cookie: string }) => {
    while (running) {
      try {
        const start = await post(l.cookie, '/api/courses/fixture-course/attempts', {});
        let id: string | undefined;
        let n = 0;
        if (start.status === 201)
          ({
            attempt: {
              id,
              questions: { length: n },
            },
          } = await start.json());
        else if (start.status === 409) id = (await start.json()).error.fields?.attempt; // resume the open one
        if (!id) continue;
        if (!n)
          n = (await (await fetch(`${base}/api/attempts/${id}`, { headers: { cookie: l.cookie } })).json()).attempt
            .questions.length;
        const res = await post(l.cookie, `/api/attempts/${id}/submit`, { responses: {} });
        if (res.status === 200) {
          acks.attempts.set(id, n);
          acks.ackedAt.set(id, Date.now());
        }
      } catch {
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const workers = learners.flatMap((l, i) => (i % 3 === 0 ? [attemptWorker(l)] : [progressWorker(l)]));
  return {
    stop: async () => {
      running = false;
      await Promise.allSettled(workers);
    },
    done: Promise.all(workers),
  };
}

/** Check every acknowledged write in a database file; returns what was checked. */
export function verifyAcknowledged(dbFile: string, acks: Acknowledged, only?: (id: string) => boolean) {
  const db = new SQLite(dbFile, { readonly: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    // One pass over the table rather than a query per id: the acknowledged set grows to tens of thousands.
    const counts = new Map<string, number>();
    for (const row of db
      .prepare('select client_id, count(*) as n from progress_events group by client_id')
      .iterate() as Iterable<{ client_id: string; n: number }>)
      counts.set(row.client_id, row.n);
    const attempt = db.prepare(
      'select submitted_at, (select count(*) from attempt_responses r where r.attempt_id = a.id) as responses from attempts a where id = ?',
    );
    const missing: string[] = [];
    const duplicated: string[] = [];
    let checked = 0;
    for (const id of acks.events.keys()) {
      if (only && !only(id)) continue;
      checked++;
      const n = counts.get(id) ?? 0;
      if (n === 0) missing.push(id);
      if (n > 1) duplicated.push(id);
    }
    for (const [id, questions] of acks.attempts) {
      if (only && !only(id)) continue;
      checked++;
      const row = attempt.get(id) as { submitted_at: string | null; responses: number } | undefined;
      if (!row?.submitted_at || row.responses !== questions) missing.push(`attempt ${id}`);
    }
    return { integrity, checked, missing, duplicated };
  } finally {
    db.close();
  }
}
