/**
 * Keys that never enter the database (the consultation key, the LTI key-encryption key) must be the
 * same on every server of one database, and after a restore the same as before: a server with another
 * key would write texts no other server can read, and could not read what is there. So the first
 * server stores a check value encrypted with its key (table `signing_keys`, purpose `<name>-check`);
 * every server start decrypts it and refuses to serve with a clear message when its key differs —
 * even while nothing is encrypted yet: a second server that took over the check would leave the
 * first one running with the other key.
 */
import type { DB } from '../db/connection.ts';
import { signingKeysRepo } from '../db/repos/signing-keys.ts';
import type { ContentCipher } from './consultation/cipher.ts';

const CHECK = 'oberih key check v1';

export class KeyMismatchError extends Error {}

export async function checkKeyMatches(
  db: DB,
  opts: {
    /** `consultation-key` or `lti-key`. */
    name: string;
    cipher: ContentCipher;
    /** Where an operator sets the key, for the message. */
    setting: string;
    now: string;
  },
): Promise<void> {
  const purpose = `${opts.name}-check`;
  const stored = await signingKeysRepo(db).putIfAbsent(purpose, opts.cipher.encrypt(CHECK, purpose), opts.now);
  if (readable(opts.cipher, stored, purpose)) return;
  throw new KeyMismatchError(
    `${opts.setting} on this server is not the key this database's encrypted data was written with: ` +
      'give every server of one database the same key, and after a restore bring back the key of the server ' +
      'the backup came from (docs/operations.md, "Keys kept outside the database")',
  );
}

function readable(cipher: ContentCipher, box: string, purpose: string): boolean {
  try {
    return cipher.decrypt(box, purpose) === CHECK;
  } catch {
    return false;
  }
}
