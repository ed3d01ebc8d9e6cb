/**
 * The daily reminder job (docs/email.md): queues, through the outbox, certificate expiry reminders 60
 * and 14 days before `expires_at`, and the 90-day follow-up reminder of the evaluation. Idempotent: each
 * reminder has a dedupe key, so running the job hourly, twice, or after a missed day queues every
 * reminder exactly once. Driven by `deps.now()`, so tests move a fake clock.
 */
import { formatDate } from '../../courses/format.ts';
import { enqueueEmail } from '../../db/repos/email-outbox.ts';
import { evaluationRepo } from '../../db/repos/evaluation.ts';
import { remindersRepo } from '../../db/repos/reminders.ts';
import type { Deps } from '../deps.ts';
import type { Logger } from '../log.ts';

const DAY_MS = 86_400_000;
/** Days before expiry at which a certificate reminder goes out. */
export const EXPIRY_REMINDER_DAYS = [60, 14] as const;

type Locale = 'uk' | 'en';

function link(deps: Pick<Deps, 'config'>, path: string): string {
  return `${(deps.config.publicUrl ?? '').replace(/\/$/, '')}${path}`;
}

const text = {
  expiry: {
    uk: (title: string, date: string, days: number, url: string) => ({
      subject: `Сертифікат «${title}» спливає ${date}`,
      text:
        `Добрий день!\n\nВаш сертифікат курсу «${title}» дійсний до ${date} (залишилося ${days} дн.). ` +
        `Щоб не втратити його, пройдіть поновлення — воно вже відкрите в розділі «Моє навчання»:\n${url}\n\n` +
        'Це автоматичний лист платформи «Оберіг»; відповідати на нього не потрібно.',
    }),
    en: (title: string, date: string, days: number, url: string) => ({
      subject: `Your certificate "${title}" expires on ${date}`,
      text:
        `Hello,\n\nYour certificate for "${title}" is valid until ${date} (${days} days left). ` +
        `To keep it, complete the renewal — it is open under "My learning":\n${url}\n\n` +
        'This is an automatic message from the Oberih platform; there is no need to reply.',
    }),
  },
  followUp: {
    uk: (title: string, url: string) => ({
      subject: `Три місяці після курсу «${title}»: коротке опитування`,
      text:
        `Добрий день!\n\nМинуло три місяці після курсу «${title}». Розкажіть, будь ласка, чи знадобилося вам ` +
        `вивчене в роботі — це займе 2–3 хвилини, а відповідь анонімна:\n${url}\n\n` +
        'Це автоматичний лист платформи «Оберіг»; відповідати на нього не потрібно.',
    }),
    en: (title: string, url: string) => ({
      subject: `Three months after "${title}": a short questionnaire`,
      text:
        `Hello,\n\nThree months have passed since the course "${title}". Please tell us whether what you ` +
        `learned has been useful at work — it takes 2–3 minutes, and your answer is anonymous:\n${url}\n\n` +
        'This is an automatic message from the Oberih platform; there is no need to reply.',
    }),
  },
};

export interface ReminderRun {
  certificateExpiry: number;
  followUp: number;
}

/** Queue every reminder due at `deps.now()`; returns how many new messages were queued. */
export async function queueDailyReminders(deps: Pick<Deps, 'db' | 'catalog' | 'now' | 'config'>): Promise<ReminderRun> {
  const now = deps.now();
  const run: ReminderRun = { certificateExpiry: 0, followUp: 0 };

  const longest = Math.max(...EXPIRY_REMINDER_DAYS);
  const expiring = await remindersRepo(deps.db).certificatesExpiring(now, new Date(now.getTime() + longest * DAY_MS));
  for (const cert of expiring) {
    const course = deps.catalog.courses.get(cert.course_id)?.course;
    if (!course) continue;
    const daysLeft = Math.ceil((Date.parse(cert.expires_at!) - now.getTime()) / DAY_MS);
    // The nearest threshold reached: after a missed day the 14-day reminder still goes, the 60-day one not twice.
    const threshold = [...EXPIRY_REMINDER_DAYS].sort((a, b) => a - b).find((d) => daysLeft <= d)!;
    const locale: Locale = cert.locale;
    const msg = text.expiry[locale](
      course.title[locale],
      formatDate(cert.expires_at!, locale, 'long'),
      daysLeft,
      link(deps, `/${locale}/my/`),
    );
    if (
      await enqueueEmail(
        deps.db,
        {
          to: cert.email,
          userId: cert.userId,
          kind: 'certificate.expiry',
          locale,
          ...msg,
          dedupeKey: `certificate-expiry:${threshold}:${cert.code}`,
        },
        now,
      )
    )
      run.certificateExpiry++;
  }

  for (const [courseId, loaded] of deps.catalog.courses) {
    const followUp = loaded.evaluation?.followUp;
    if (!followUp) continue;
    const due = await evaluationRepo(deps.db).followUpsDue(courseId, now, followUp.afterDays, followUp.openDays);
    for (const learner of due) {
      const locale: Locale = learner.locale;
      const msg = text.followUp[locale](
        loaded.course.title[locale],
        link(deps, `/${locale}/courses/${courseId}/follow-up/`),
      );
      if (
        await enqueueEmail(
          deps.db,
          {
            to: learner.email,
            userId: learner.userId,
            kind: 'evaluation.follow-up',
            locale,
            ...msg,
            dedupeKey: `follow-up:${learner.userId}:${courseId}`,
          },
          now,
        )
      )
        run.followUp++;
    }
  }
  return run;
}

/** Run the job now and every hour (idempotent, so "daily" holds however often it runs). */
export function scheduleDailyReminders(deps: Pick<Deps, 'db' | 'catalog' | 'now' | 'config'>, log: Logger) {
  const tick = () =>
    queueDailyReminders(deps)
      .then((r) => (r.certificateExpiry || r.followUp) && log.info('reminders queued', { ...r }))
      .catch((e: Error) => log.warn('reminder job failed', { error: e.message }));
  void tick();
  const timer = setInterval(() => void tick(), 3600_000);
  timer.unref();
  return () => clearInterval(timer);
}
