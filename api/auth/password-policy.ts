/**
 * What a new password may not be (ASVS 5.0 6.2.4 and 6.2.11/6.2.12; NIST SP 800-63B 3.1.1.2): one of
 * the 100,000 most common passwords, or something containing the account's email name. Both are the
 * first things a guessing attack tries, and the login throttle allows a few guesses per window.
 * Length rules stay in `fields.ts`; no composition rules (NIST advises against them).
 */
import fs from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { AppError } from '../errors.ts';

/**
 * Resolved from the module's URL: the compiled server (dist/server/start.mjs) keeps this file's folder
 * depth, so the same relative path finds the list from source and from the bundle.
 */
const LIST = new URL('../../api/auth/common-passwords/top-100000.txt.gz', import.meta.url);

let common: Set<string> | undefined;
/** Loaded on first use (~20 ms, a few MB): only password-setting requests need it. */
function commonPasswords(): Set<string> {
  common ??= new Set(gunzipSync(fs.readFileSync(LIST)).toString('utf8').toLowerCase().split('\n').filter(Boolean));
  return common;
}

/** Case does not make a common password uncommon ("Password123" is as guessable as "password123"). */
export const isCommonPassword = (password: string) => commonPasswords().has(password.toLowerCase());

export const COMMON_PASSWORD_MESSAGE =
  'this password is one of the 100,000 most common passwords, which attackers try first; choose another (a phrase of a few unrelated words works well)';

/**
 * The email's local part, when long enough to mean something (a one- or two-letter one would refuse
 * half of all passwords). Its separate words are not refused: "offline" in offline.trainer@… is no
 * clue to a password.
 */
function emailName(email: string): string | null {
  const local = email.toLowerCase().split('@')[0] ?? '';
  return local.length >= 3 ? local : null;
}

/**
 * Refuse a new password that contains the email's name (400 naming `field`). The common-password
 * check runs in the zod field (`newPasswordField`); this one needs the account's email, which the
 * handler knows.
 */
export function checkPasswordPolicy(password: string, email: string, field: string) {
  const found = emailName(email);
  if (found && password.toLowerCase().includes(found))
    throw new AppError(
      400,
      'validation_failed',
      `invalid body "${field}": it contains "${found}" from the email address, which attackers try first; choose a password without it`,
      { [field]: 'contains the email name' },
    );
}
