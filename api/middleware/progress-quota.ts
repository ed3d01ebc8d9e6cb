/**
 * Quotas on progress ingestion (issue #19 item 10; ASVS 5.0 2.4.1 anti-automation, 15.2.2 resource
 * limits): without them any signed-in learner could fill the disk with distinct client ids, or
 * backdate events to hide "overdue" in their instructor's report.
 * - a token bucket of events per learner: a burst of BURST events, refilled at RATE_PER_MINUTE;
 * - at most MAX_EVENTS_PER_MODULE stored events per learner and module;
 * - event times no earlier than the learner's first cohort membership, or their account's creation.
 * Kept apart from the progress route so its completion rules can change independently.
 */
import { progressQuotaRepo } from '../../db/repos/progress-quota.ts';
import type { DB } from '../../db/connection.ts';
import { AppError } from '../errors.ts';

/** The defaults; an operator may change them (PROGRESS_RATE_LIMIT, PROGRESS_MODULE_QUOTA; the benchmark lifts them). */
export const DEFAULT_LIMITS: ProgressLimits = {
  /** One sync of an offline backlog (two full batches) goes through at once. */
  burst: 1000,
  /** Far above what a person produces by reading and practising (a few events a minute). */
  perMinute: 300,
  /** Views and practice runs of one module: a learner who practises daily for years stays far below. */
  perModule: 2000,
};
export const { burst: BURST, perMinute: RATE_PER_MINUTE, perModule: MAX_EVENTS_PER_MODULE } = DEFAULT_LIMITS;

export interface ProgressLimits {
  burst: number;
  perMinute: number;
  perModule: number;
}

/** How long a learner's earliest allowed event time is remembered before it is read again. */
const ORIGIN_TTL_MS = 60_000;
/** Above this many tracked learners (or learner × module counts), the idle ones are forgotten. */
const MAX_TRACKED = 100_000;

interface Bucket {
  tokens: number;
  at: number;
}

export class ProgressQuota {
  private buckets = new Map<number, Bucket>();
  private origins = new Map<number, { floor: number; until: number }>();
  /**
   * Stored events per learner × course × module: read from the database once, then counted here (a
   * count per request would scan up to `perModule` index entries on the ingestion path). Retried
   * duplicates are counted too, so the count errs on the safe side; a restart reads it afresh.
   */
  private moduleCounts = new Map<string, number>();
  constructor(readonly limits: ProgressLimits = DEFAULT_LIMITS) {}

  /** Take `n` events from the learner's bucket, or throw 429 with the seconds until they fit. */
  take(userId: number, n: number, now: number) {
    const { burst, perMinute } = this.limits;
    const b = this.buckets.get(userId) ?? { tokens: burst, at: now };
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * perMinute) / 60_000);
    b.at = now;
    this.buckets.set(userId, b);
    if (b.tokens < n) {
      const wait = Math.max(1, Math.ceil(((n - b.tokens) * 60) / perMinute));
      throw new AppError(
        429,
        'rate_limited',
        `too many progress events: at most ${perMinute} a minute after a burst of ${burst}; try again in ${wait} s`,
        undefined,
        { 'Retry-After': String(wait) },
      );
    }
    b.tokens -= n;
    if (this.buckets.size > MAX_TRACKED) this.forgetIdle(now);
  }

  /** The earliest time an event of this learner may carry (ms since the epoch). */
  async floor(db: DB, userId: number, now: number): Promise<number> {
    const known = this.origins.get(userId);
    if (known && known.until > now) return known.floor;
    const o = await progressQuotaRepo(db).origin(userId);
    const created = o ? Date.parse(o.created_at) : 0;
    const joined = o?.first_joined ? Date.parse(o.first_joined) : created;
    const floor = Math.max(created, joined);
    if (this.origins.size > MAX_TRACKED) this.origins.clear();
    this.origins.set(userId, { floor, until: now + ORIGIN_TTL_MS });
    return floor;
  }

  /**
   * Field errors (`events.<i>.module`) for the events that would take a module past its quota, or
   * none, and then the events are counted. The client parks events named in a 400 instead of
   * resending them (site/scripts/progress-queue.ts).
   */
  async moduleErrors(
    db: DB,
    userId: number,
    events: { course_id: string; module_id: string }[],
  ): Promise<Record<string, string>> {
    const key = (course: string, module: string) => `${userId}\u0000${course}\u0000${module}`;
    const missing = new Map<string, Set<string>>();
    for (const e of events)
      if (!this.moduleCounts.has(key(e.course_id, e.module_id)))
        missing.set(e.course_id, (missing.get(e.course_id) ?? new Set()).add(e.module_id));
    if (missing.size && this.moduleCounts.size > MAX_TRACKED) this.moduleCounts.clear();
    for (const [course, modules] of missing) {
      const counts = await progressQuotaRepo(db).countsByModule(userId, course, [...modules]);
      for (const m of modules) this.moduleCounts.set(key(course, m), counts.get(m) ?? 0);
    }
    const next = new Map<string, number>();
    const fields: Record<string, string> = {};
    events.forEach((e, i) => {
      const k = key(e.course_id, e.module_id);
      const n = (next.get(k) ?? this.moduleCounts.get(k) ?? 0) + 1;
      next.set(k, n);
      if (n > this.limits.perModule)
        fields[`events.${i}.module`] =
          `quota reached: at most ${this.limits.perModule} progress events are kept per module and learner`;
    });
    if (Object.keys(fields).length === 0) for (const [k, n] of next) this.moduleCounts.set(k, n);
    return fields;
  }

  private forgetIdle(now: number) {
    const { burst, perMinute } = this.limits;
    for (const [k, b] of this.buckets)
      if (b.tokens + ((now - b.at) * perMinute) / 60_000 >= burst) this.buckets.delete(k);
  }
}
