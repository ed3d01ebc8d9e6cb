/**
 * No unauthenticated expensive work (issue #19 item 3): reset and redeem check the token or code
 * before the Argon2 hash and are limited per address; the audit log has a retention period.
 */
import { describe, expect, it, vi } from 'vitest';
import { pruneAuditLog } from '../../../api/audit-retention.ts';
import { auditRepo } from '../../../db/repos/audit.ts';
import { makeTestApp } from '../../helpers/app.ts';

const counter = vi.hoisted(() => ({ hash: 0 }));
vi.mock('../../../api/auth/password.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../api/auth/password.ts')>();
  return {
    ...real,
    hashPassword: (password: string) => {
      counter.hash++;
      return real.hashPassword(password);
    },
  };
});

describe('unauthenticated routes do no Argon2 work for bad tokens and codes', async () => {
  const t = await makeTestApp({ config: { trustProxy: true } });
  const from = (ip: string) => ({ 'x-forwarded-for': ip });

  it('/api/auth/reset with an unknown token hashes nothing, and is limited per address', async () => {
    counter.hash = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push(
        (
          await t.request('/api/auth/reset', {
            json: { token: `unknowntoken${i}abcdefgh`, new_password: 'a long new password' },
            headers: from('203.0.113.7'),
          })
        ).status,
      );
    expect(counter.hash).toBe(0);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(400));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Rotating the interface id inside one IPv6 /64 does not help.
    const v6 = async (i: number) =>
      (
        await t.request('/api/auth/reset', {
          json: { token: `unknowntoken${i}abcdefgh`, new_password: 'a long new password' },
          headers: from(`2001:db8:7:7::${i.toString(16)}`),
        })
      ).status;
    for (let i = 1; i <= 10; i++) expect(await v6(i)).toBe(400);
    expect(await v6(11)).toBe(429);
  });

  it('/api/auth/redeem with an unknown code hashes nothing', async () => {
    counter.hash = 0;
    const res = await t.request('/api/auth/redeem', {
      json: { code: 'AAAA-BBBB-CCCC-DDDD', email: 'x@test.ua', full_name: 'X', password: 'a long new password' },
      headers: from('203.0.113.8'),
    });
    expect(res.status).toBe(400);
    expect(counter.hash).toBe(0);
  });
});

describe('audit log retention', async () => {
  const t = await makeTestApp();

  it('deletes rows older than AUDIT_RETENTION_DAYS and keeps the rest', async () => {
    await auditRepo(t.deps.db).record({ event: 'logout', actor_id: null });
    await t.deps.db
      .insertInto('audit_log')
      .values({
        at: '2020-01-01T00:00:00.000Z',
        event: 'login.failed',
        actor_id: null,
        target: 'old@x.ua',
        details: null,
        ip: '192.0.2.1',
      })
      .execute();
    expect(await pruneAuditLog(t.deps, 365)).toBe(1);
    const left = await t.deps.db.selectFrom('audit_log').select('target').execute();
    expect(left.map((r) => r.target)).not.toContain('old@x.ua');
    expect(left.length).toBe(1);
  });
});
