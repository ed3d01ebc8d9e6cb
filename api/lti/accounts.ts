/**
 * Who a launch is: registration + `sub` → one Oberih account (never looked up by issuer alone: a second
 * registration claiming the same issuer must not reach the first one's accounts), created on the first accepted launch with the
 * name and email the platform sends. A platform learner becomes a cadet or an officer (the
 * registration's setting); an Instructor becomes an instructor. An existing account's role is never
 * changed by a launch (only an admin changes roles), and an address already used by another account is
 * not taken over: the new account gets a placeholder address instead.
 */
import { createHash } from 'node:crypto';
import { ltiRepo, type LtiRegistration } from '../../db/repos/lti.ts';
import { usersRepo } from '../../db/repos/users.ts';
import type { Role } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { LaunchError } from './validate.ts';

/** Marks an account that has no password: it signs in only through its platform (verifyPassword refuses it). */
export const LTI_PASSWORD = '!lti';

export interface PlatformPerson {
  sub: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  email?: string;
  instructor: boolean;
  locale: 'uk' | 'en';
}

export const placeholderEmail = (issuer: string, sub: string) =>
  `lti-${createHash('sha256').update(`${issuer}\n${sub}`).digest('hex').slice(0, 20)}@lti.invalid`;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;

export async function accountFor(
  deps: Pick<Deps, 'db' | 'now'>,
  reg: LtiRegistration,
  p: PlatformPerson,
): Promise<{ id: number; role: Role; created: boolean }> {
  const repo = ltiRepo(deps.db);
  const known = await repo.accountFor(reg.id, p.sub);
  if (known) {
    if (!known.active || known.erased_at)
      throw new LaunchError(403, 'account_disabled', 'the Oberih account of this user is deactivated');
    return { id: known.id, role: known.role, created: false };
  }
  const role: Role = p.instructor ? 'instructor' : reg.learner_role;
  const name = (
    p.name?.trim() ||
    [p.given_name, p.family_name].filter(Boolean).join(' ').trim() ||
    `LTI ${p.sub}`
  ).slice(0, 200);
  const at = deps.now().toISOString();
  const raced = Symbol('raced');
  try {
    return await deps.db.transaction().execute(async (trx) => {
      const r = ltiRepo(trx);
      let email = p.email?.trim().toLowerCase();
      if (!email || !EMAIL.test(email) || (await r.emailTaken(email)))
        email = placeholderEmail(`${reg.id}\n${reg.issuer}`, p.sub);
      const user = await usersRepo(trx).create({
        email,
        full_name: name,
        role,
        password_hash: LTI_PASSWORD,
        locale: p.locale,
        erased_at: null,
        created_at: at,
      });
      await r.linkAccount({
        issuer: reg.issuer,
        sub: p.sub,
        user_id: user.id,
        registration_id: reg.id,
        created_at: at,
      });
      // Two first launches at once: the other linked first; roll this account back and use that one.
      if ((await r.accountFor(reg.id, p.sub))?.id !== user.id) throw raced;
      return { id: user.id, role, created: true };
    });
  } catch (e) {
    if (e !== raced) throw e;
    const linked = (await repo.accountFor(reg.id, p.sub))!;
    return { id: linked.id, role: linked.role, created: false };
  }
}
