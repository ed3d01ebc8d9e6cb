/**
 * Names and Role Provisioning Services: the roster of a platform context fills its cohort. Active
 * learners get their account (created as on a first launch) and join the cohort; members the
 * platform reports as Inactive or Deleted leave it. Pages are followed through `Link: rel="next"`.
 * The roster URL comes from a launch's claims: it (and every next page) must be on the origin of the
 * registration's token URL or issuer, else the sync fails with that reason (roster_error, a log line).
 */
import { z } from 'zod';
import { ltiRepo } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { accountFor } from './accounts.ts';
import { isInstructorRole } from './claims.ts';
import { serviceFetch, serviceToken, ServiceError } from './service-token.ts';
import { checkServiceOrigin } from './safe-url.ts';
import { LaunchError } from './validate.ts';

const member = z
  .object({
    user_id: z.string().min(1).max(255),
    roles: z.array(z.string().max(300)).max(100).default([]),
    status: z.enum(['Active', 'Inactive', 'Deleted']).default('Active'),
    name: z.string().max(200).optional(),
    given_name: z.string().max(100).optional(),
    family_name: z.string().max(100).optional(),
    email: z.string().max(254).optional(),
  })
  .passthrough();
const container = z.object({ members: z.array(z.unknown()).max(10_000) }).passthrough();

const MAX_PAGES = 50;

export async function syncRoster(
  deps: Pick<Deps, 'db' | 'now' | 'log' | 'config' | 'ltiKeyCipher'>,
  contextRowId: number,
): Promise<{ added: number; removed: number; skipped: number }> {
  const repo = ltiRepo(deps.db);
  const ctx = await repo.contextById(contextRowId);
  if (!ctx?.nrps_url) throw new ServiceError('this context has no roster service', null);
  const reg = (await repo.registration(ctx.registration_id))!;
  const at = () => deps.now().toISOString();
  try {
    if (!reg.enabled) throw new ServiceError('the registration is disabled', null);
    const onPlatform = (url: string) => {
      try {
        checkServiceOrigin(reg, url, 'roster service URL');
      } catch (e) {
        throw new ServiceError((e as Error).message, null);
      }
    };
    onPlatform(ctx.nrps_url); // before a token is even asked for
    const token = await serviceToken(deps, reg);
    const seen = new Map<string, z.output<typeof member>>();
    let next: string | null = ctx.nrps_url;
    for (let page = 0; next && page < MAX_PAGES; page++) {
      // The roster URL (from a launch's claims) and each next page must be on the platform's origin.
      onPlatform(next);
      const res = await serviceFetch(
        deps,
        next,
        {
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json',
          },
        },
        'roster service',
      );
      if (!res.ok) throw new ServiceError(`roster service answered ${res.status}`, res.status);
      const body = container.safeParse(await res.json().catch(() => null));
      if (!body.success) throw new ServiceError('roster service answered without a member list', res.status);
      for (const m of body.data.members) {
        const p = member.safeParse(m);
        if (p.success) seen.set(p.data.user_id, p.data);
      }
      next = /<([^>]+)>;\s*rel="?next"?/.exec(res.headers.get('link') ?? '')?.[1] ?? null;
    }
    let added = 0;
    let removed = 0;
    let skipped = 0;
    const current = new Map((await repo.ltiMembers(ctx.cohort_id, reg.id)).map((m) => [m.sub, m.user_id]));
    for (const m of seen.values()) {
      if (isInstructorRole(m.roles)) continue;
      if (m.status !== 'Active') {
        const uid = current.get(m.user_id);
        if (uid !== undefined && (await repo.removeMember(ctx.cohort_id, uid))) removed++;
        continue;
      }
      try {
        const acc = await accountFor(deps, reg, { ...m, sub: m.user_id, instructor: false, locale: 'uk' });
        if (acc.role !== 'cadet' && acc.role !== 'officer') {
          skipped++;
          continue;
        }
        if (!current.has(m.user_id)) {
          await repo.addMember(ctx.cohort_id, acc.id, at());
          added++;
        }
      } catch (e) {
        if (!(e instanceof LaunchError)) throw e;
        skipped++;
      }
    }
    await repo.rosterDone(ctx.id, at(), null);
    deps.log.info('lti roster synced', { context: ctx.id, added, removed, skipped });
    return { added, removed, skipped };
  } catch (e) {
    const message = (e as Error).message.slice(0, 300);
    await repo.rosterDone(ctx.id, at(), message);
    deps.log.warn('lti roster not synced', { context: ctx.id, error: message });
    throw e;
  }
}
