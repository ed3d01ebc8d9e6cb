/** The daily reminder job, driven by a fake clock: follow-up at 90 days, certificate expiry at 60 and 14 days. */
import { describe, expect, it } from 'vitest';
import { queueDailyReminders } from '../../../api/email/reminders.ts';
import { makeTestApp, type TestApp } from '../../helpers/app.ts';

const COURSE = 'fixture-course';
const DAY = 86_400_000;

function clock(start = '2027-01-05T06:00:00.000Z') {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

const outbox = (t: TestApp) => t.deps.db.selectFrom('email_outbox').selectAll().orderBy('id').execute();

async function completion(t: TestApp, userId: number, at: Date) {
  return (
    await t.deps.db
      .insertInto('completions')
      .values({
        user_id: userId,
        course_id: COURSE,
        content_version: '1.0.0',
        attempt_id: null,
        score: 90,
        completed_at: at.toISOString(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
}

describe('daily reminders', () => {
  it('queues the follow-up reminder once, on day 90 after completion, and not after the learner answered', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const learner = await t.createUser('officer', 'officer-follow@test.ua');
    const answered = await t.createUser('cadet', 'cadet-answered@test.ua');
    await completion(t, learner.id, c.now());
    await completion(t, answered.id, c.now());
    await t.deps.db
      .insertInto('evaluation_followup_marks')
      .values({ user_id: answered.id, course_id: COURSE })
      .execute();

    c.advance(89 * DAY);
    expect(await queueDailyReminders(t.deps)).toEqual({ certificateExpiry: 0, followUp: 0 });
    c.advance(DAY);
    expect(await queueDailyReminders(t.deps)).toEqual({ certificateExpiry: 0, followUp: 1 });
    // The next day's run (or a second run the same day) does not queue it again.
    c.advance(DAY);
    expect((await queueDailyReminders(t.deps)).followUp).toBe(0);
    const [mail] = await outbox(t);
    expect(mail).toMatchObject({
      to_address: 'officer-follow@test.ua',
      user_id: learner.id,
      kind: 'evaluation.follow-up',
      locale: 'uk',
      dedupe_key: `follow-up:${learner.id}:${COURSE}`,
    });
    expect(mail!.subject).toContain('Тестовий курс');
    expect(mail!.body_text).toContain(`/uk/courses/${COURSE}/follow-up/`);
    expect(await outbox(t)).toHaveLength(1);
  });

  it('queues certificate expiry reminders 60 and 14 days before expiry, once each, never for revoked or renewed ones', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now, config: { publicUrl: 'https://oberih.example.ua' } });
    const learner = await t.createUser('officer', 'officer-cert@test.ua');
    await t.deps.db.updateTable('users').set({ locale: 'en' }).where('id', '=', learner.id).execute();
    const cert = async (code: string, extra: Record<string, string | null> = {}) =>
      t.deps.db
        .insertInto('certificates')
        .values({
          code,
          user_id: learner.id,
          completion_id: await completion(t, learner.id, c.now()),
          course_id: COURSE,
          content_version: '1.0.0',
          name_printed: 'Тест',
          score: 90,
          issued_at: c.now().toISOString(),
          expires_at: new Date(c.now().getTime() + 100 * DAY).toISOString(),
          revoked_at: null,
          revoked_reason: null,
          signature: 'x',
          ...extra,
        })
        .execute();
    await cert('VALID-1');
    await cert('REVOKED-1', { revoked_at: c.now().toISOString(), revoked_reason: 'test' });
    await cert('RENEWED-1', { superseded_by: 'VALID-1', superseded_at: c.now().toISOString() });

    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(0);
    c.advance(39 * DAY); // 61 days left
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(0);
    c.advance(DAY); // 60 days left
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(1);
    c.advance(DAY);
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(0);
    c.advance(45 * DAY); // 14 days left
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(1);
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(0);
    c.advance(20 * DAY); // expired: nothing more
    expect((await queueDailyReminders(t.deps)).certificateExpiry).toBe(0);

    const mails = (await outbox(t)).filter((m) => m.kind === 'certificate.expiry');
    expect(mails.map((m) => m.dedupe_key)).toEqual(['certificate-expiry:60:VALID-1', 'certificate-expiry:14:VALID-1']);
    expect(mails[0]!.locale).toBe('en');
    expect(mails[0]!.subject).toMatch(/^Your certificate "Fixture course" expires on/);
    expect(mails[0]!.body_text).toContain('(60 days left)');
    expect(mails[0]!.body_text).toContain('https://oberih.example.ua/en/my/');
    expect(mails[1]!.body_text).toContain('(14 days left)');
  });

  it('after missed days sends only the nearest reminder', async () => {
    const c = clock();
    const t = await makeTestApp({ now: c.now });
    const learner = await t.createUser('officer');
    await t.deps.db
      .insertInto('certificates')
      .values({
        code: 'LATE-1',
        user_id: learner.id,
        completion_id: await completion(t, learner.id, c.now()),
        course_id: COURSE,
        content_version: '1.0.0',
        name_printed: 'Тест',
        score: 90,
        issued_at: c.now().toISOString(),
        expires_at: new Date(c.now().getTime() + 10 * DAY).toISOString(),
        revoked_at: null,
        revoked_reason: null,
        signature: 'x',
      })
      .execute();
    await queueDailyReminders(t.deps);
    expect((await outbox(t)).map((m) => m.dedupe_key)).toEqual(['certificate-expiry:14:LATE-1']);
  });
});
