/**
 * The certificate signing key (Ed25519, RFC 8032). Supplied by `CERT_SIGNING_KEY` (PKCS#8 PEM, or
 * that PEM / its DER in base64) or generated on first start into `DATA_DIR` with mode 0600. The
 * public half is published as a JWK set so anyone (and the offline verification page) can check
 * a certificate's QR code.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import type { PublicJwk } from '../../courses/certificate.ts';

export const KEY_FILE = 'certificate-signing-key.pem';

export interface CertificateSigner {
  kid: string;
  /** The public key as published in /.well-known/oberih-certificates.json. */
  jwk: PublicJwk;
  sign(bytes: Uint8Array): Uint8Array;
}

/** A signer over an Ed25519 private key. The key id is the start of the public key's SHA-256. */
export function signerFrom(privateKey: KeyObject): CertificateSigner {
  if (privateKey.type !== 'private' || privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `the certificate signing key must be an Ed25519 private key (got ${privateKey.asymmetricKeyType ?? privateKey.type})`,
    );
  }
  const x = crypto.createPublicKey(privateKey).export({ format: 'jwk' }).x!;
  const kid = encodeBase64urlNoPadding(
    crypto.createHash('sha256').update(Buffer.from(x, 'base64url')).digest().subarray(0, 8),
  );
  return {
    kid,
    jwk: { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' },
    sign: (bytes) => new Uint8Array(crypto.sign(null, bytes, privateKey)),
  };
}

/** Parse `CERT_SIGNING_KEY`: a PKCS#8 PEM, the PEM in base64, or the PKCS#8 DER in base64. */
export function parsePrivateKey(value: string): KeyObject {
  const text = value.trim();
  try {
    if (text.includes('-----BEGIN')) return crypto.createPrivateKey(text.replace(/\\n/g, '\n'));
    const raw = Buffer.from(text, 'base64');
    const asText = raw.toString('utf8');
    if (asText.includes('-----BEGIN')) return crypto.createPrivateKey(asText);
    return crypto.createPrivateKey({ key: raw, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new Error(`CERT_SIGNING_KEY is not a readable private key (PKCS#8 PEM or base64): ${(e as Error).message}`);
  }
}

/**
 * The signing key for this installation: from the env value when given, else the key file in
 * `dataDir`, created on first start. Without a data directory (in-memory databases) the key is
 * ephemeral.
 */
export function loadSigner(opts: {
  dataDir: string | null;
  envKey?: string;
  warn?: (msg: string, data?: Record<string, unknown>) => void;
}): CertificateSigner {
  if (opts.envKey) return signerFrom(parsePrivateKey(opts.envKey));
  if (!opts.dataDir) return signerFrom(crypto.generateKeyPairSync('ed25519').privateKey);
  const file = path.join(opts.dataDir, KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(opts.dataDir, { recursive: true });
    const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
    try {
      // 'wx': two processes starting at once must not both write (the loser reads the winner's key).
      fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
  const mode = fs.statSync(file).mode & 0o077;
  if (mode && process.platform !== 'win32')
    opts.warn?.('certificate signing key is readable by other users; chmod 600 it', { file });
  return signerFrom(parsePrivateKey(fs.readFileSync(file, 'utf8')));
}
