/** Retention (issue #24): closed threads go after CONSULTATION_RETENTION_DAYS, by a daily job, on a fake clock. */
import { describe, expect, it } from 'vitest';
import { purgeClosedConsultations, DEFAULT_RETENTION_DAYS } from '../../api/consultation/jobs.ts';
import { readEnv } from '../../api/config.ts';
import { makeTestApp } from '../helpers/app.ts';
import { openRequest } from './helpers.ts';

describe('consultation retention', async () => {
  let clock = new Date('2026-12-07T09:00:00Z');
  const t = await makeTestApp({ now: () => clock });
  const officer = await t.userWithSession('officer');

  it('defaults to 180 days and reads CONSULTATION_RETENTION_DAYS', () => {
    expect(DEFAULT_RETENTION_DAYS).toBe(180);
    expect(readEnv({}).CONSULTATION_RETENTION_DAYS).toBe(180);
    expect(readEnv({ CONSULTATION_RETENTION_DAYS: '30' }).CONSULTATION_RETENTION_DAYS).toBe(30);
    expect(() => readEnv({ CONSULTATION_RETENTION_DAYS: '0' })).toThrow(/CONSULTATION_RETENTION_DAYS/);
  });

  it('deletes a closed thread 180 days after it closed, keeps open ones and younger closed ones', async () => {
    const closedEarly = await openRequest(t, officer.cookie);
    const open = await openRequest(t, officer.cookie);
    await t.request(`/api/consultations/${closedEarly}/close`, { cookie: officer.cookie, json: { rating: 'partly' } });
    clock = new Date('2027-01-10T09:00:00Z');
    const cookie = await t.login(officer.user.email); // the first session expired meanwhile
    const closedLater = await openRequest(t, cookie);
    await t.request(`/api/consultations/${closedLater}/close`, { cookie, json: { rating: 'helped' } });

    clock = new Date(Date.parse('2026-12-07T09:00:00Z') + 180 * 86_400_000 - 60_000); // a minute short
    expect(await purgeClosedConsultations(t.deps, 180)).toBe(0);
    clock = new Date(Date.parse('2026-12-07T09:00:00Z') + 180 * 86_400_000 + 60_000);
    expect(await purgeClosedConsultations(t.deps, 180)).toBe(1);
    const left = (await t.deps.db.selectFrom('consultations').select('id').execute()).map((r) => r.id);
    expect(left.sort()).toEqual([open, closedLater].sort());
    expect(
      await t.deps.db
        .selectFrom('consultation_messages')
        .selectAll()
        .where('consultation_id', '=', closedEarly)
        .execute(),
    ).toEqual([]);
    // The job leaves a count in the audit log, never ids of people.
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event', '=', 'consultation.purged')
      .execute();
    expect(JSON.parse(audit[0]!.details!)).toEqual({ threads: 1, days: 180 });
  });
});
