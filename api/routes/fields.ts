/** Request field schemas shared by several resources. */
import { z } from 'zod';
import { LEARNER_ROLES } from '../../db/schema.ts';
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from '../auth/password-policy.ts';

export const emailField = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'at most 254 characters')
  .email('not a valid email address');
export const nameField = z.string().trim().min(1, 'required').max(200, 'at most 200 characters');
/** NIST SP 800-63B: at least 8 characters, allow long passphrases; 256 keeps hashing bounded. */
export const newPasswordField = z
  .string()
  .min(10, 'at least 10 characters')
  .max(256, 'at most 256 characters')
  .refine((p) => !isCommonPassword(p), COMMON_PASSWORD_MESSAGE);
export const passwordField = z.string().min(1, 'required').max(256, 'at most 256 characters');
export const localeField = z.enum(['uk', 'en']);
export const roleField = z.enum(['cadet', 'officer', 'specialist', 'instructor', 'coordinator', 'supervisor', 'admin']);
/** A role that takes courses (enrolment codes, imports). */
export const learnerRoleField = z.enum(LEARNER_ROLES);
/**
 * An ISO 8601 date-time with an offset that is a real one (±14:00 at most): zod's `datetime` also
 * accepts `+99:00`, which `Date.parse` cannot read (it became a 500 further on).
 */
export const isoDateTime = (message = 'an ISO 8601 date-time, e.g. 2026-11-29T10:00:00Z') =>
  z
    .string()
    .datetime({ offset: true, message })
    .refine((s) => {
      const offset = /([+-])(\d{2}):?(\d{2})$/.exec(s);
      return !Number.isNaN(Date.parse(s)) && (!offset || Number(offset[2]) * 60 + Number(offset[3]) <= 14 * 60);
    }, message);
export const idParam = z.object({ id: z.coerce.number().int().positive() }).strict();
