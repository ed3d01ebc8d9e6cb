/**
 * The tool's own RS256 keys (LTI 1.3 requires RSA): kept in the database so every process and
 * restart signs with the same key, published at `GET /api/lti/jwks`. Rotation makes a new key the
 * signing key at once and keeps the old one published for KEY_OVERLAP_MS, so a platform that cached
 * the old JWKS, or holds a token signed just before, still verifies. The private half is stored
 * encrypted (`{"enc": "v1.…"}`, AES-256-GCM bound to its kid, api/lti/key-cipher.ts); a key stored in
 * plaintext before that is encrypted the first time it is read.
 */
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { ltiRepo } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';

export const KEY_OVERLAP_MS = 7 * 24 * 3600 * 1000;

type KeyDeps = Pick<Deps, 'db' | 'now' | 'ltiKeyCipher'>;

const cipherOf = (deps: Pick<Deps, 'ltiKeyCipher'>) => {
  if (!deps.ltiKeyCipher) throw new Error('ltiKeyCipher missing from deps (bootstrap sets it)');
  return deps.ltiKeyCipher;
};
const aad = (kid: string) => `lti-tool-key:${kid}`;
/** The stored form of a private JWK. */
export const sealPrivateJwk = (deps: Pick<Deps, 'ltiKeyCipher'>, kid: string, jwk: JWK) =>
  JSON.stringify({ enc: cipherOf(deps).encrypt(JSON.stringify(jwk), aad(kid)) });

/** The private JWK of a stored row; a plaintext row (before encryption at rest) is sealed on the way. */
async function openPrivateJwk(deps: KeyDeps, kid: string, stored: string): Promise<JWK> {
  const v = JSON.parse(stored) as JWK | { enc: string };
  if (!('enc' in v) || typeof v.enc !== 'string') {
    await ltiRepo(deps.db).sealKey(kid, sealPrivateJwk(deps, kid, v as JWK));
    return v as JWK;
  }
  try {
    return JSON.parse(cipherOf(deps).decrypt(v.enc, aad(kid))) as JWK;
  } catch {
    throw new Error(
      `the LTI tool key ${kid} cannot be decrypted: LTI_KEY_ENCRYPTION_KEY (or DATA_DIR/lti-key-encryption.bin) is not the key it was encrypted with`,
    );
  }
}

export interface SigningKey {
  kid: string;
  key: CryptoKey;
}

async function newKey(deps: KeyDeps): Promise<string> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
  const kid = crypto.randomUUID();
  const pub = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const priv = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  await ltiRepo(deps.db).addKey({
    kid,
    private_jwk: sealPrivateJwk(deps, kid, priv),
    public_jwk: JSON.stringify(pub),
    created_at: deps.now().toISOString(),
  });
  return kid;
}

/** The key that signs now (created on first use). */
export async function signingKey(deps: KeyDeps): Promise<SigningKey> {
  let active = (await ltiRepo(deps.db).keys()).find((k) => !k.retired_at);
  if (!active) {
    await newKey(deps);
    active = (await ltiRepo(deps.db).keys()).find((k) => !k.retired_at)!;
  }
  const jwk = await openPrivateJwk(deps, active.kid, active.private_jwk);
  return { kid: active.kid, key: (await importJWK(jwk, 'RS256')) as CryptoKey };
}

/** The public keys to publish: the signing key and those retired less than the overlap ago. */
export async function publicJwks(deps: KeyDeps): Promise<{ keys: JWK[] }> {
  await signingKey(deps);
  const cutoff = deps.now().getTime() - KEY_OVERLAP_MS;
  const keys = (await ltiRepo(deps.db).keys()).filter((k) => !k.retired_at || Date.parse(k.retired_at) > cutoff);
  return { keys: keys.map((k) => JSON.parse(k.public_jwk) as JWK) };
}

/** Make a new signing key; the old ones stay published for the overlap, older retired keys are deleted. */
export async function rotateKeys(deps: KeyDeps): Promise<string> {
  const repo = ltiRepo(deps.db);
  const at = deps.now();
  const kid = await newKey(deps);
  await repo.retireKeys(kid, at.toISOString());
  await repo.deleteKeysRetiredBefore(new Date(at.getTime() - KEY_OVERLAP_MS).toISOString());
  return kid;
}
