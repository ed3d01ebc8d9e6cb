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

/** The pieces of an email's local part worth refusing: the whole of it, and its parts of 4+ characters. */
function emailNames(email: string): string[] {
  const local = email.toLowerCase().split('@')[0] ?? '';
  const parts = local.split(/[._+-]+/).filter((p) => p.length >= 4);
  return [...new Set([local, ...parts])].filter((p) => p.length >= 3);
}

/**
 * Refuse a new password that contains the email's name (400 naming `field`). The common-password
 * check runs in the zod field (`newPasswordField`); this one needs the account's email, which the
 * handler knows.
 */
export function checkPasswordPolicy(password: string, email: string, field: string) {
  const lower = password.toLowerCase();
  const found = emailNames(email).find((n) => lower.includes(n));
  if (found)
    throw new AppError(
      400,
      'validation_failed',
      `invalid body "${field}": it contains "${found}" from the email address, which attackers try first; choose a password without it`,
      { [field]: 'contains the email name' },
    );
}
