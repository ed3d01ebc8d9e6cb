/**
 * The keys kept outside the database (consultation texts, the LTI tool's private keys) must be the
 * same on every server of one database and after a restore (api/key-check.ts): a server started with
 * another key refuses to serve, with a message naming the setting, instead of writing texts nobody
 * else can read.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootstrap } from '../../api/bootstrap.ts';
import { KeyMismatchError } from '../../api/key-check.ts';
import { silentLogger } from '../../api/log.ts';
import { fixtures, tempDir } from '../helpers/app.ts';
import { run } from '../helpers/pg-admin.ts';

const key = () => crypto.randomBytes(32).toString('base64');

describe('keys kept outside the database', () => {
  const dir = tempDir();
  const dbFile = path.join(dir, 'keys.sqlite');
  const boot = (consultationKey?: string, ltiKeyEncryptionKey?: string) =>
    bootstrap({
      dbFile,
      contentDir: 'tests/fixtures/content',
      catalog: fixtures(),
      log: silentLogger,
      groupCommitMs: 0,
      consultationKey,
      ltiKeyEncryptionKey,
    });
  const [k1, k2] = [key(), key()];

  it('the first key is recorded; a server with another key is refused, the first key still opens it', async () => {
    const deps = await boot(k1);
    const text = deps.consultationCipher!.encrypt('питання', 'c1');
    await deps.close();
    const refused = boot(k2);
    await expect(refused).rejects.toBeInstanceOf(KeyMismatchError);
    await expect(refused).rejects.toThrow(/^CONSULTATION_KEY on this server is not the key/);
    const again = await boot(k1);
    expect(again.consultationCipher!.decrypt(text, 'c1')).toBe('питання');
    await again.close();
    // The LTI key-encryption key is checked the same way.
    await expect(boot(k1, key())).rejects.toThrow(/^LTI_KEY_ENCRYPTION_KEY on this server/);
  });

  it('the start command exits 2 with one line naming the key file, and serves nothing', () => {
    // The database above was first opened with k1; this data folder's key file is a new, other key.
    const r = run(['--import', 'tsx', 'api/start.ts'], {
      SKIP_BUILD: '1',
      PORT: '0',
      HOST: '127.0.0.1',
      DB_FILE: dbFile,
      DATA_DIR: path.join(tempDir(), 'other-host'),
      SITE_DIR: '.tmp/fixture-site',
      CONTENT_DIR: 'tests/fixtures/content',
      SEED_DEMO: '0',
    });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: the key file .*consultation-key\.bin on this server is not the key this database/),
    ]);
  });
});
