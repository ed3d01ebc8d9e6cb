/**
 * Consultation texts are encrypted at rest (AES-256-GCM) with a key that is never in the database:
 * `CONSULTATION_KEY` (32 bytes, base64) or a key file generated on first start next to the database
 * (`consultation-key.bin`, mode 0600). So the admin's database backup download and any copy of the
 * database file carry only ciphertext; a thread is readable only through the API's access checks.
 * Keep the key file out of database backups and back it up separately (docs/consultation.md).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const CONSULTATION_KEY_FILE = 'consultation-key.bin';

export interface ContentCipher {
  encrypt(text: string, aad: string): string;
  decrypt(box: string, aad: string): string;
}

/** A cipher over a 32-byte key; `aad` binds a ciphertext to its thread (it cannot be moved to another). */
export function cipherFrom(key: Buffer): ContentCipher {
  if (key.length !== 32) throw new Error('the consultation key must be 32 bytes');
  return {
    encrypt(text, aad) {
      const iv = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad));
      const data = Buffer.concat([c.update(text, 'utf8'), c.final()]);
      return ['v1', iv, c.getAuthTag(), data]
        .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
        .join('.');
    },
    decrypt(box, aad) {
      const [v, iv, tag, data] = box.split('.');
      if (v !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a consultation ciphertext');
      const d = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      d.setAAD(Buffer.from(aad));
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(data, 'base64url')), d.final()]).toString('utf8');
    },
  };
}

/** The installation's cipher: the env key when given, else the key file in `dataDir` (created once); in memory without one. */
export function loadConsultationCipher(opts: { dataDir: string | null; envKey?: string }): ContentCipher {
  if (opts.envKey) {
    const key = Buffer.from(opts.envKey.trim(), 'base64');
    if (key.length !== 32) throw new Error('CONSULTATION_KEY must be 32 bytes in base64 (openssl rand -base64 32)');
    return cipherFrom(key);
  }
  if (!opts.dataDir) return cipherFrom(crypto.randomBytes(32));
  const file = path.join(opts.dataDir, CONSULTATION_KEY_FILE);
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
