/**
 * Certificate signing key on PostgreSQL: instances starting together agree on one key stored in the
 * database (never one per instance); CERT_SIGNING_KEY wins; SQLite keeps its key file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createPgDb } from '../../db/postgres/connection.ts';
import { createDb } from '../../db/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { loadSharedSigner } from '../../api/certificates/shared-key.ts';
import { KEY_FILE } from '../../api/certificates/keys.ts';
import { tempDir } from '../helpers/app.ts';
import { scratchDatabase } from '../helpers/pg-admin.ts';

describe('loadSharedSigner', () => {
  it('eight instances starting at once on one PostgreSQL database sign with the same key', async () => {
    const { url } = await scratchDatabase();
    const instances = Array.from({ length: 8 }, () => createPgDb(url, { max: 2 }));
    await migrateToLatest(instances[0]!.db);
    try {
      const signers = await Promise.all(instances.map((i) => loadSharedSigner(i.db, { dataDir: tempDir() })));
      expect(new Set(signers.map((s) => s.kid)).size).toBe(1);
      const rows = await instances[0]!.db.selectFrom('signing_keys').selectAll().execute();
      expect(rows.map((r) => r.purpose)).toEqual(['certificate']);
      // A signature from one instance verifies with the key another publishes.
      const sig = signers[0]!.sign(new TextEncoder().encode('certificate 42'));
      const pub = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: signers[5]!.jwk.x }, format: 'jwk' });
      expect(crypto.verify(null, Buffer.from('certificate 42'), pub, sig)).toBe(true);
      // Restarted later, an instance reads the same key.
      expect((await loadSharedSigner(instances[3]!.db, { dataDir: null })).kid).toBe(signers[0]!.kid);
    } finally {
      await Promise.all(instances.map((i) => i.db.destroy()));
    }
  }, 60_000);

  it('CERT_SIGNING_KEY wins over the stored key; nothing is written then', async () => {
    const { url } = await scratchDatabase();
    const { db } = createPgDb(url);
    await migrateToLatest(db);
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    const signer = await loadSharedSigner(db, { dataDir: null, envKey: pem });
    expect(await db.selectFrom('signing_keys').selectAll().execute()).toEqual([]);
    expect((await loadSharedSigner(db, { dataDir: null, envKey: pem })).kid).toBe(signer.kid);
    await db.destroy();
  });

  it('on SQLite the key file in the data folder stays the key (no row written)', async () => {
    const dir = tempDir();
    const { db } = createDb(`${dir}/oberih.sqlite`);
    await migrateToLatest(db);
    const a = await loadSharedSigner(db, { dataDir: dir });
    expect(fs.existsSync(`${dir}/${KEY_FILE}`)).toBe(true);
    expect((await loadSharedSigner(db, { dataDir: dir })).kid).toBe(a.kid);
    expect(await db.selectFrom('signing_keys').selectAll().execute()).toEqual([]);
    await db.destroy();
  });
});
