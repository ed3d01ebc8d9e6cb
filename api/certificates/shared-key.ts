/**
 * The certificate signing key for deployments with several API instances: every instance must sign
 * with the same key, so on PostgreSQL it is never generated per instance. In order:
 * 1. `CERT_SIGNING_KEY` (the deployment's secret store), when given;
 * 2. on PostgreSQL, the `signing_keys` row, created once by whichever instance starts first
 *    (insert-if-absent: instances starting together agree on the winner's key);
 * 3. on SQLite (one process), the key file in DATA_DIR as before (api/certificates/keys.ts).
 */
import crypto from 'node:crypto';
import type { DB } from '../../db/connection.ts';
import { isPostgres } from '../../db/migrations/dialect.ts';
import { signingKeysRepo } from '../../db/repos/signing-keys.ts';
import { loadSigner, parsePrivateKey, signerFrom, type CertificateSigner } from './keys.ts';

export const CERTIFICATE_KEY_PURPOSE = 'certificate';

export async function loadSharedSigner(
  db: DB,
  opts: {
    dataDir: string | null;
    envKey?: string;
    now?: () => Date;
    warn?: (msg: string, data?: Record<string, unknown>) => void;
  },
): Promise<CertificateSigner> {
  if (opts.envKey || !isPostgres(db)) return loadSigner(opts);
  const repo = signingKeysRepo(db);
  let pem = await repo.get(CERTIFICATE_KEY_PURPOSE);
  if (!pem) {
    const fresh = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    pem = await repo.putIfAbsent(CERTIFICATE_KEY_PURPOSE, fresh, (opts.now ?? (() => new Date()))().toISOString());
  }
  return signerFrom(parsePrivateKey(pem));
}
