/**
 * The rules of consultations (issue #24) in one place: who may see, take and read a request, the
 * response-time flags, and notifications (in-app bell and email through the outbox).
 *
 * Confidentiality: a wellbeing request is read only by its owner and by the psychologist supervisor
 * who took it. Admins see that it exists (for retention), never its text or topic; instructors have
 * no consultation routes at all. Every read by staff of any thread is audit-logged with its id only.
 */
import type { Kysely } from 'kysely';
import { consultationsRepo, type ConsultationMeta, type SupervisorScope } from '../../db/repos/consultations.ts';
import { enqueueEmail } from '../../db/repos/email-outbox.ts';
import { notificationsRepo, type NotificationKind } from '../../db/repos/notifications.ts';
import type { Database } from '../../db/schema.ts';
import { isOverdue } from '../../courses/consultation/deadline.ts';
import { findIdentifying, kindsOf, KIND_LABELS } from '../../courses/consultation/identifying.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Deps } from '../deps.ts';
import { AppError, notFound } from '../errors.ts';

export const aad = (consultationId: number) => `consultation:${consultationId}`;

export function cipher(deps: Pick<Deps, 'consultationCipher'>) {
  if (!deps.consultationCipher) throw new Error('consultationCipher missing from deps (bootstrap sets it)');
  return deps.consultationCipher;
}

/** The request is one this supervisor may take: topic and oblast in scope, and a psychologist for wellbeing. */
export function inScope(scope: SupervisorScope | null, c: Pick<ConsultationMeta, 'topic' | 'oblast' | 'wellbeing'>) {
  if (!scope) return false;
  if (c.wellbeing === 1 && !scope.psychologist) return false;
  return scope.topics.includes(c.topic) && (scope.oblasts.includes('ALL') || scope.oblasts.includes(c.oblast));
}

/** The request as staff may see it in lists: a wellbeing request never shows its topic. */
export function publicMeta(c: ConsultationMeta, now: Date) {
  return {
    id: c.id,
    topic: c.topic,
    urgency: c.urgency,
    oblast: c.oblast,
    course_id: c.course_id,
    module_id: c.module_id,
    wellbeing: c.wellbeing === 1,
    status: c.status,
    supervisor_id: c.supervisor_id,
    created_at: c.created_at,
    due_at: c.due_at,
    claimed_at: c.claimed_at,
    first_response_at: c.first_response_at,
    closed_at: c.closed_at,
    rating: c.rating,
    overdue: isOverdue(c, now),
  };
}

export type ReadAccess = 'owner' | 'supervisor' | 'admin';

/**
 * May this user read the thread's text? Owner always. A wellbeing thread: only the psychologist who
 * took it. Another thread: the supervisor who took it, a supervisor whose scope covers it (to decide
 * whether to take it), or an admin. Everyone else gets 404 (nothing about the thread is confirmed),
 * except an admin on a wellbeing thread, who is told why (they may know it exists).
 */
export async function readAccess(deps: Pick<Deps, 'db'>, user: SessionUser, c: ConsultationMeta): Promise<ReadAccess> {
  if (c.requester_id === user.id) return 'owner';
  if (user.role === 'admin') {
    if (c.wellbeing === 1)
      throw new AppError(
        403,
        'forbidden',
        'a wellbeing consultation is confidential: only the person who asked and the psychologist who took it can read it',
      );
    return 'admin';
  }
  if (user.role === 'supervisor') {
    if (c.supervisor_id === user.id) return 'supervisor';
    if (c.wellbeing === 0 && c.status !== 'closed' && inScope(await consultationsRepo(deps.db).scope(user.id), c))
      return 'supervisor';
  }
  throw notFound('consultation');
}

export function checkText(text: string, confirmed: boolean, field: string) {
  const findings = findIdentifying(text);
  if (findings.length && !confirmed)
    throw new AppError(
      422,
      'identifying_data',
      `the text looks like it holds identifying data (${kindsOf(findings)
        .map((k) => KIND_LABELS[k].en)
        .join(', ')}): remove it, or confirm it is not about the child`,
      { [field]: kindsOf(findings).join(',') },
    );
  return findings.length > 0;
}

const SUBJECTS: Record<NotificationKind, { uk: string; en: string }> = {
  'consultation.reply': { uk: 'Нова відповідь у вашій консультації', en: 'A new reply in your consultation' },
  'consultation.claimed': { uk: 'Ваш запит узяв у роботу супервізор', en: 'A supervisor has taken your request' },
  'consultation.overdue': { uk: 'Запит на консультацію чекає відповіді', en: 'A consultation request is overdue' },
  'session.reminder': { uk: 'Нагадування: групова супервізія', en: 'Reminder: group supervision' },
  'session.cancelled': { uk: 'Групову супервізію скасовано', en: 'A group supervision session was cancelled' },
  'case_note.review': { uk: 'Нотатка до випадку чекає рецензії', en: 'A case note is waiting for review' },
};

/**
 * Tell a person: a row for the bell, and an email through the outbox. Neither carries any text of a
 * consultation: only that something happened and a link to sign in and see it.
 */
export async function notify(
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
  db: Kysely<Database>,
  userId: number,
  kind: NotificationKind,
  refs: { consultation_id?: number; session_id?: number; case_note_id?: number },
  dedupe: string,
) {
  const now = deps.now();
  await notificationsRepo(db).add(userId, kind, refs, now);
  const user = await db
    .selectFrom('users')
    .select(['email', 'locale', 'active', 'erased_at'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user || user.active !== 1 || user.erased_at) return;
  const base = deps.config.publicUrl ?? '';
  // No consultation id in the email: the outbox is readable by admins, and an id there could be joined
  // with the admins' existence-only list to tell who asked for wellbeing support (hostile review).
  const link = `${base}/${user.locale}/consultations/`;
  const subject = SUBJECTS[kind][user.locale];
  await enqueueEmail(
    db,
    {
      to: user.email,
      userId,
      kind,
      locale: user.locale,
      subject,
      text:
        user.locale === 'uk'
          ? `${subject}.\n\nУвійдіть до Оберегу, щоб переглянути: ${link}\n\nЛист не містить змісту консультації.`
          : `${subject}.\n\nSign in to Oberih to see it: ${link}\n\nThis email does not contain the consultation's content.`,
      dedupeKey: `${kind}:${dedupe}:${userId}`,
    },
    now,
  );
}
