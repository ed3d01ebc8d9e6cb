/**
 * The LTI tool's RSA private keys are encrypted at rest (AES-256-GCM, the consultation cipher's
 * format) with a key that is never in the database: `LTI_KEY_ENCRYPTION_KEY` (32 bytes, base64) or a
 * key file generated on first start in DATA_DIR (`lti-key-encryption.bin`, mode 0600). A copy of the
 * database (a backup download, a dump) then cannot sign launches' deep-linking answers or service
 * requests as this tool. Several hosts sharing one PostgreSQL database must share the key: set the
 * environment setting on each (docs/operations.md).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { cipherFrom, type ContentCipher } from '../consultation/cipher.ts';

export const LTI_KEY_FILE = 'lti-key-encryption.bin';

/** The installation's key cipher: the env key when given, else the key file in `dataDir` (created once); in memory without one. */
export function loadLtiKeyCipher(opts: { dataDir: string | null; envKey?: string }): ContentCipher {
  if (opts.envKey) {
    const key = Buffer.from(opts.envKey.trim(), 'base64');
    if (key.length !== 32)
      throw new Error('LTI_KEY_ENCRYPTION_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
    return cipherFrom(key);
  }
  if (!opts.dataDir) return cipherFrom(crypto.randomBytes(32));
  const file = path.join(opts.dataDir, LTI_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, crypto.randomBytes(32), { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  return cipherFrom(fs.readFileSync(file));
}
