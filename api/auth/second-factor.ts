/** Checking a second-factor code: a TOTP code of the user's secret, or one of their recovery codes. */
import { totpRepo } from '../../db/repos/totp.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../errors.ts';
import { recoveryCodeHash, totpStep } from './totp.ts';

/**
 * True when `code` is a current TOTP code (each step once) or an unused recovery code (used up now).
 * Counted per account before the first await, 5 per 15 minutes: a million 6-digit codes cannot be tried.
 */
export async function checkSecondFactor(
  deps: Pick<Deps, 'db' | 'limits' | 'now'>,
  userId: number,
  code: string,
): Promise<boolean> {
  const key = String(userId);
  if (!deps.limits.totp.take(key)) {
    const wait = deps.limits.totp.retryAfter(key);
    throw new AppError(429, 'rate_limited', `too many codes tried; try again in ${wait} s`, undefined, {
      'Retry-After': String(wait),
    });
  }
  const repo = totpRepo(deps.db);
  const state = await repo.state(userId);
  if (!state?.totp_secret) return false;
  const trimmed = code.replace(/\s/g, '');
  const step = totpStep(state.totp_secret, trimmed, deps.now().getTime());
  const ok =
    step !== null
      ? await repo.acceptStep(userId, step)
      : !!state.totp_enabled_at &&
        (await repo.useRecoveryCode(userId, recoveryCodeHash(trimmed), deps.now().toISOString()));
  if (ok) deps.limits.totp.release(key);
  return ok;
}
