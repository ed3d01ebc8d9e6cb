/**
 * Crash test: a real server under concurrent writes (progress batches, attempt submits) is killed
 * with SIGKILL at random moments; after each kill every acknowledged write is in the database exactly
 * once, PRAGMA integrity_check is ok, and the server starts cleanly. `npm test` runs a short form;
 * `npm run test:crash` runs more and longer rounds (CRASH_ROUNDS, CRASH_LOAD_MS).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app.ts';
import { startServer } from '../helpers/server.ts';
import { login, newAcks, runLoad, unlimitedContent, verifyAcknowledged } from './load.ts';

const ROUNDS = Number(process.env.CRASH_ROUNDS ?? 3);
const LOAD_MS = Number(process.env.CRASH_LOAD_MS ?? 1500);

describe('SIGKILL under load', () => {
  it(
    `keeps every acknowledged write through ${ROUNDS} kills`,
    { timeout: 60_000 + ROUNDS * (LOAD_MS + 30_000) },
    async () => {
      const dir = tempDir('oberih-crash-');
      const env = { DATA_DIR: dir, CONTENT_DIR: unlimitedContent(dir), LOG_LEVEL: 'silent' };
      const acks = newAcks();
      let server = await startServer(env);
      const emails = Array.from({ length: 9 }, (_, i) => `cadet${String(i + 1).padStart(2, '0')}@oberih.demo`);
      const learners = await Promise.all(
        emails.map(async (email) => ({ email, cookie: await login(server.url, email) })),
      );
      for (let round = 1; round <= ROUNDS; round++) {
        const load = runLoad(server.url, learners, acks, `r${round}`);
        await new Promise((r) => setTimeout(r, 300 + Math.random() * LOAD_MS));
        await server.stop('SIGKILL');
        await load.stop();
        const check = verifyAcknowledged(path.join(dir, 'oberih.sqlite'), acks);
        expect(check.integrity).toBe('ok');
        expect(check.missing, `round ${round}: acknowledged but missing`).toEqual([]);
        expect(check.duplicated).toEqual([]);
        // Restart on the same files: it must start cleanly, and sessions survive the crash too.
        server = await startServer(env);
        expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
        expect((await fetch(`${server.url}/api/me`, { headers: { cookie: learners[0]!.cookie } })).status).toBe(200);
      }
      await server.stop();
      console.log(
        `crash test: ${ROUNDS} kills, ${acks.events.size} acknowledged events and ${acks.attempts.size} acknowledged attempt submits checked after every kill`,
      );
      expect(acks.events.size).toBeGreaterThan(ROUNDS * 10);
      expect(acks.attempts.size).toBeGreaterThan(0);
    },
  );
});
