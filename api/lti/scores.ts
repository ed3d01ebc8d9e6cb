/**
 * Assignment and Grade Services: scores go to the platform's line items from a durable outbox
 * (`lti_score_outbox`). A completion or a graded submission queues one row per grade link, in the
 * same request that recorded it (the dedupe key makes a repeat a no-op). The sender claims a due row
 * with a lease, posts it, and marks it sent; a failure (4xx, 5xx, timeout, no token) leaves the row
 * with its error and a later `send_after` (exponential back-off), until MAX_ATTEMPTS, after which it
 * stays as failed for the instructor to see. A row marked sent is never sent again; a process that
 * dies between posting and marking may post the same score once more after the lease, which the
 * platform treats as the same result (same `timestamp`, AGS §3.4.2).
 */
import { ltiRepo } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { checkServiceOrigin, UnsafeUrlError } from './safe-url.ts';
import { forgetToken, serviceFetch, serviceToken, ServiceError } from './service-token.ts';

export const MAX_ATTEMPTS = 10;
export const LEASE_MS = 60_000;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 6 * 3600_000;
export const backoffMs = (attempts: number) => Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempts - 1));

export interface AgsScore {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: 'Initialized' | 'Started' | 'InProgress' | 'Submitted' | 'Completed';
  gradingProgress: 'FullyGraded' | 'Pending' | 'PendingManual' | 'Failed' | 'NotReady';
  timestamp: string;
  comment?: string;
}

/** Queue the scores an event gives this learner's grade links in this course. */
export async function queueScores(
  deps: Pick<Deps, 'db' | 'now'>,
  ev: {
    userId: number;
    courseId: string;
    kinds: ('course' | 'module' | 'assessment')[];
    score: number;
    completed: boolean;
    key: string;
  },
): Promise<number> {
  const repo = ltiRepo(deps.db);
  const links = (await repo.gradeLinks(ev.userId, ev.courseId)).filter((l) => ev.kinds.includes(l.kind));
  const at = deps.now().toISOString();
  let queued = 0;
  for (const l of links) {
    const payload: AgsScore = {
      userId: l.lti_sub,
      scoreGiven: Math.max(0, Math.min(100, Math.round(ev.score * 100) / 100)),
      scoreMaximum: 100,
      activityProgress: ev.completed ? 'Completed' : 'Submitted',
      gradingProgress: 'FullyGraded',
      timestamp: at,
    };
    if (
      await repo.enqueueScore({
        grade_link_id: l.id,
        user_id: ev.userId,
        payload: JSON.stringify(payload),
        dedupe_key: `${l.id}:${ev.key}`,
        at,
      })
    )
      queued++;
  }
  return queued;
}

/** The score endpoint of a line item: `<lineitem>/scores`, keeping the line item's query string. */
export function scoresUrl(lineitem: string): string {
  const u = new URL(lineitem);
  u.pathname = u.pathname.replace(/\/$/, '') + '/scores';
  return u.toString();
}

export interface SendReport {
  sent: number;
  failed: number;
}

/** Send every due score once (the timer calls this; tests call it with a fake clock). */
export async function sendDueScores(
  deps: Pick<Deps, 'db' | 'now' | 'log' | 'config' | 'ltiKeyCipher'>,
  limit = 50,
): Promise<SendReport> {
  const repo = ltiRepo(deps.db);
  const report: SendReport = { sent: 0, failed: 0 };
  const at = deps.now();
  for (const { id } of await repo.dueScores(at.toISOString(), limit)) {
    const row = await repo.claimScore(id, at.toISOString(), new Date(at.getTime() + LEASE_MS).toISOString());
    if (!row) continue;
    const reg = await repo.registration(row.registration_id);
    try {
      if (!reg) throw new ServiceError('the registration was removed', null);
      if (!reg.enabled) throw new ServiceError('the registration is disabled', null);
      // The line item comes from a launch's claims: only the platform's own origin gets the token and score.
      checkServiceOrigin(reg, row.lineitem_url, 'line item URL');
      const token = await serviceToken(deps, reg);
      const res = await serviceFetch(
        deps,
        scoresUrl(row.lineitem_url),
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/vnd.ims.lis.v1.score+json',
          },
          body: row.payload,
        },
        'score endpoint',
      );
      if (res.status === 401) forgetToken(deps, reg.id);
      if (!res.ok) throw new ServiceError(`score endpoint answered ${res.status}`, res.status);
      await repo.scoreSent(id, deps.now().toISOString());
      report.sent++;
    } catch (e) {
      const message = (e as Error).message.slice(0, 300);
      // A URL refused by the SSRF rules will not become acceptable later: failed at once, no retries.
      const refused = e instanceof UnsafeUrlError || (e instanceof ServiceError && e.reason === 'url_refused');
      const retry =
        !refused && row.attempts < MAX_ATTEMPTS ? new Date(at.getTime() + backoffMs(row.attempts)).toISOString() : null;
      await repo.scoreFailed(id, message, retry, deps.now().toISOString());
      deps.log.warn('lti score not sent', { outbox: id, attempt: row.attempts, error: message, retry: !!retry });
      report.failed++;
    }
  }
  return report;
}
