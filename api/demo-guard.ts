/**
 * The demo's published passwords must never open an account that the network can reach. While any
 * of them still works, the server listens on the loopback interface only, whatever HOST says.
 */
import type { DB } from '../db/connection.ts';
import { usersRepo } from '../db/repos/users.ts';
import { DEMO_ACCOUNTS, DEMO_LEARNER_PASSWORD } from '../db/seed.ts';
import { verifyPassword } from './auth/password.ts';

export const LOOPBACK = '127.0.0.1';

/** Seeded learners beyond the named demo accounts (cadet01…cadet29, officer01…02) share one password. */
const SEEDED_LEARNERS = [
  ...Array.from({ length: 29 }, (_, i) => `cadet${String(i + 1).padStart(2, '0')}@oberih.demo`),
  ...Array.from({ length: 2 }, (_, i) => `officer${String(i + 1).padStart(2, '0')}@oberih.demo`),
];

/** The active accounts that a published demo password still opens. */
export async function openDemoAccounts(db: DB): Promise<string[]> {
  const candidates = [
    ...DEMO_ACCOUNTS.map((a) => ({ email: a.email, password: a.password })),
    ...SEEDED_LEARNERS.map((email) => ({ email, password: DEMO_LEARNER_PASSWORD })),
  ];
  const open: string[] = [];
  // The seed hashes each password once, so the learners share a hash: check each (hash, password) once.
  const checked = new Map<string, boolean>();
  for (const a of candidates) {
    const u = await usersRepo(db).byEmail(a.email);
    if (!u || !u.active) continue;
    const key = `${u.password_hash}\n${a.password}`;
    let ok = checked.get(key);
    if (ok === undefined) checked.set(key, (ok = await verifyPassword(u.password_hash, a.password)));
    if (ok) open.push(a.email);
  }
  return open;
}

/** Where to listen: HOST, unless a demo password still opens an account (then loopback only). */
export const listenHost = (host: string, openDemo: readonly string[]) => (openDemo.length ? LOOPBACK : host);
