/**
 * Enrolling and removing the TOTP second factor (ASVS 5.0 6.5.x; RFC 6238). Required for admins when
 * `requireAdminMfa` is on (production), offered to everyone else.
 */
import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { totpRepo } from '../../db/repos/totp.ts';
import { checkSecondFactor } from '../auth/second-factor.ts';
import { sessions } from '../auth/session.ts';
import { newRecoveryCodes, newTotpSecret, recoveryCodeHash, totpQrSvg, totpUri } from '../auth/totp.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { TotpEnabled, TotpSetup } from './schemas/auth.ts';
import { Ok } from './schemas/common.ts';
import { clientIp } from './auth.ts';

export const totpCodeBody = z
  .object({ code: z.string().trim().min(6, 'at least 6 characters').max(32, 'at most 32 characters') })
  .strict();

export function totpRoutes() {
  return new Resource('/api/auth/totp', 'auth')
    .route(
      {
        method: 'post',
        path: '/setup',
        response: TotpSetup,
        errors: [409],
        summary: 'Start enrolling a TOTP second factor: a new secret, its otpauth URI and QR code (SVG)',
        access: 'authenticated',
      },
      async (c) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        if (me.mfa) throw new AppError(409, 'conflict', 'a second factor is already set up; remove it first');
        const secret = newTotpSecret();
        await totpRepo(deps.db).setPending(me.id, secret);
        const uri = totpUri(me.email, secret);
        return c.json({ secret, uri, qr_svg: await totpQrSvg(uri) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/enable',
        response: TotpEnabled,
        errors: [409, 429],
        summary: 'Finish enrolment with a code from the app; answers the recovery codes (shown this once)',
        access: 'authenticated',
        body: totpCodeBody,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        if (me.mfa) throw new AppError(409, 'conflict', 'a second factor is already set up');
        if (!(await checkSecondFactor(deps, me.id, body.code)))
          throw new AppError(400, 'validation_failed', 'this code is not the one the app shows now; try the next one', {
            code: 'wrong code',
          });
        const codes = newRecoveryCodes();
        const at = deps.now().toISOString();
        await totpRepo(deps.db).enable(
          me.id,
          at,
          Math.floor(deps.now().getTime() / 30_000),
          codes.map(recoveryCodeHash),
        );
        await sessions(deps.db, deps.now).markFresh(c.get('sessionId')!);
        await auditRepo(deps.db).record({
          event: 'mfa.enabled',
          actor_id: me.id,
          target: `user:${me.id}`,
          ip: clientIp(c),
        });
        return c.json({ ok: true, recovery_codes: codes });
      },
    )
    .route(
      {
        method: 'post',
        path: '/disable',
        fresh: true,
        response: Ok,
        summary: 'Remove the second factor (not for admins when it is required)',
        access: 'authenticated',
      },
      async (c) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        if (me.role === 'admin' && deps.config.requireAdminMfa)
          throw new AppError(403, 'forbidden', 'admins must keep a second factor');
        await totpRepo(deps.db).disable(me.id);
        await auditRepo(deps.db).record({
          event: 'mfa.disabled',
          actor_id: me.id,
          target: `user:${me.id}`,
          ip: clientIp(c),
        });
        return c.json({ ok: true });
      },
    );
}
