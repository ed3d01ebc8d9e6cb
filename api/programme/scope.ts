/** Whose programme figures a caller may see: admins the whole country, a coordinator their scopes. */
import { NATIONAL, organisationsRepo } from '../../db/repos/organisations.ts';
import type { SessionUser } from '../auth/session.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { oblastByCode } from './oblasts.ts';
import type { Filter, Scope } from './view.ts';

export async function scopeOf(deps: Pick<Deps, 'db'>, user: SessionUser): Promise<Scope> {
  if (user.role === 'admin') return { national: true, oblasts: [] };
  const scopes = await organisationsRepo(deps.db).scopes(user.id);
  if (scopes.includes(NATIONAL)) return { national: true, oblasts: [] };
  if (scopes.length === 0)
    throw new AppError(403, 'forbidden', 'no oblast has been assigned to your coordinator account yet: ask an admin');
  return { national: false, oblasts: scopes };
}

/** The filter, checked against the scope: an oblast or organisation outside it is a 403 that names it. */
export function checkFilter(
  scope: Scope,
  filter: Filter,
  organisationOblast: (id: number) => string | undefined,
): void {
  const allowed = (code: string) => scope.national || scope.oblasts.includes(code);
  const names = () => scope.oblasts.map((c) => `${oblastByCode(c)?.en ?? c} (${c})`).join(', ');
  if (filter.oblast !== null && !allowed(filter.oblast))
    throw new AppError(
      403,
      'forbidden',
      `oblast ${filter.oblast} (${oblastByCode(filter.oblast)?.en ?? 'unknown'}) is outside your scope: you may see ${names()}`,
    );
  if (filter.organisation !== null) {
    const oblast = organisationOblast(filter.organisation);
    if (oblast === undefined) throw new AppError(404, 'not_found', `organisation ${filter.organisation} not found`);
    if (!allowed(oblast))
      throw new AppError(
        403,
        'forbidden',
        `organisation ${filter.organisation} is in oblast ${oblast}, outside your scope: you may see ${names()}`,
      );
    if (filter.oblast !== null && filter.oblast !== oblast)
      throw new AppError(
        400,
        'validation_failed',
        `organisation ${filter.organisation} is not in oblast ${filter.oblast}`,
        {
          organisation: 'not in that oblast',
        },
      );
  }
}
