/** Response schemas of sign-in, enrolment, password and second-factor routes. */
import { z } from 'zod';
import { named, SessionUser, UserRef } from './common.ts';

export const LoginAnswer = named(
  'LoginAnswer',
  z.union([
    z
      .object({
        user: UserRef,
        mfa_enrolment_required: z
          .literal(true)
          .optional()
          .describe('An admin without a second factor: set one up before admin routes answer'),
      })
      .strict(),
    z
      .object({
        mfa_required: z.literal(true),
        challenge: z.string().describe('Send it with a code to POST /api/auth/login/totp'),
      })
      .strict(),
  ]),
);
export const SignedIn = named('SignedIn', z.object({ user: UserRef }).strict());
export const ResetDone = z.object({ ok: z.literal(true), email: z.string() }).strict();
export const Me = z.object({ user: SessionUser }).strict();
export const TotpSetup = z
  .object({
    secret: z.string().describe('Base32 secret for the authenticator app'),
    uri: z.string().describe('otpauth:// URI'),
    qr_svg: z.string().describe('The URI as a QR code (SVG markup)'),
  })
  .strict();
export const TotpEnabled = z
  .object({ ok: z.literal(true), recovery_codes: z.array(z.string()).describe('Shown this once') })
  .strict();

export const LOGIN_EXAMPLE: z.input<typeof LoginAnswer> = {
  user: { id: 42, email: 'o.kovalenko@example.ua', full_name: 'Олена Коваленко', role: 'officer', locale: 'uk' },
};
