/**
 * Certificate codes and the signed payload carried by the certificate's QR code, pure: the server
 * signs these bytes and the verification page (browser, WebCrypto) checks the same bytes, offline.
 *
 * Token: `<payload>.<signature>`, both base64url without padding (RFC 4648 §5). The payload is the
 * UTF-8 of a JSON array in a fixed order, so there is exactly one encoding of a certificate:
 *   ["oc1", kid, code, name, courseId, version, issued (YYYY-MM-DD), expires (YYYY-MM-DD) | null]
 * The signature is Ed25519 (RFC 8032) over those payload bytes; `kid` names the key in the JWK set
 * published at /.well-known/oberih-certificates.json, so keys can be rotated.
 */
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';

/** Format tag: the first element of every payload; a new layout gets a new tag. */
export const PAYLOAD_FORMAT = 'oc1';
/** Random bits in a certificate code (≥ 128 so codes cannot be guessed). */
export const CODE_BITS = 160;

/** What the QR code proves about a certificate (and nothing else about the person). */
export interface CertificatePayload {
  /** Key id of the signing key (see the JWK set). */
  kid: string;
  /** Certificate code, grouped: `ABCD-EFGH-…`. */
  code: string;
  /** The learner's full name exactly as printed. */
  name: string;
  /** Course id (slug). */
  course: string;
  /** Content version of the course the learner completed. */
  version: string;
  /** Completion (issue) date, UTC calendar date `YYYY-MM-DD`. */
  issued: string;
  /** Expiry date `YYYY-MM-DD`, or null when the certificate never expires. */
  expires: string | null;
}

/** An Ed25519 public key in JWK form (RFC 8037), as published in the JWK set. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg?: 'EdDSA';
  use?: 'sig';
}

// Crockford's base32: no I, L, O, U, so a code read aloud or retyped survives (https://www.crockford.com/base32.html).
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_CHARS = CODE_BITS / 5;
const CODE_RE = new RegExp(`^[${CROCKFORD}]{${CODE_CHARS}}$`);
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Turn random bytes (≥ 20) into a certificate code: 32 Crockford characters in groups of 4. */
export function formatCode(random: Uint8Array): string {
  if (random.length * 8 < CODE_BITS) throw new Error(`a certificate code needs ${CODE_BITS / 8} random bytes`);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of random) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < CODE_CHARS) {
      out += CROCKFORD[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return group(out);
}

const group = (s: string) => s.match(/.{1,4}/g)!.join('-');

/**
 * A code as a person typed it (any case, spaces or dashes, O for 0, I/L for 1) in canonical form,
 * or null when it cannot be a certificate code.
 */
export function normaliseCode(input: string): string | null {
  if (typeof input !== 'string' || input.length > 80) return null;
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return CODE_RE.test(s) ? group(s) : null;
}

/** The exact bytes that are signed. */
export function payloadBytes(p: CertificatePayload): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify([PAYLOAD_FORMAT, p.kid, p.code, p.name, p.course, p.version, p.issued, p.expires]),
  );
}

/** `YYYY-MM-DD` of an ISO timestamp (UTC). */
export const isoDate = (iso: string) => new Date(iso).toISOString().slice(0, 10);

export function encodeToken(p: CertificatePayload, signature: Uint8Array): string {
  return `${encodeBase64urlNoPadding(payloadBytes(p))}.${encodeBase64urlNoPadding(signature)}`;
}

export type DecodeResult =
  | { ok: true; payload: CertificatePayload; bytes: Uint8Array; signature: Uint8Array }
  | { ok: false; reason: 'malformed' };

/** Parse a token without checking its signature. Anything but the one canonical encoding is malformed. */
export function decodeToken(token: string): DecodeResult {
  const bad = { ok: false, reason: 'malformed' } as const;
  if (typeof token !== 'string' || token.length > 4000) return bad;
  const parts = token.trim().split('.');
  if (parts.length !== 2 || !/^[A-Za-z0-9_-]+$/.test(parts[0]!) || !/^[A-Za-z0-9_-]+$/.test(parts[1]!)) return bad;
  let bytes: Uint8Array;
  let signature: Uint8Array;
  let list: unknown;
  try {
    bytes = decodeBase64urlIgnorePadding(parts[0]!);
    signature = decodeBase64urlIgnorePadding(parts[1]!);
    list = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return bad;
  }
  // Unused trailing bits of base64 would give one token several spellings: only the canonical one counts.
  if (encodeBase64urlNoPadding(bytes) !== parts[0] || encodeBase64urlNoPadding(signature) !== parts[1]) return bad;
  if (signature.length !== 64 || !Array.isArray(list) || list.length !== 8 || list[0] !== PAYLOAD_FORMAT) return bad;
  const [, kid, code, name, course, version, issued, expires] = list as unknown[];
  const strings = [kid, code, name, course, version, issued].every(
    (v) => typeof v === 'string' && v.length > 0 && v.length <= 300,
  );
  if (!strings || (expires !== null && typeof expires !== 'string')) return bad;
  const payload: CertificatePayload = {
    kid: kid as string,
    code: code as string,
    name: name as string,
    course: course as string,
    version: version as string,
    issued: issued as string,
    expires: expires as string | null,
  };
  if (
    normaliseCode(payload.code) !== payload.code ||
    !DATE_RE.test(payload.issued) ||
    (payload.expires !== null && !DATE_RE.test(payload.expires))
  )
    return bad;
  // One encoding only: re-encoding must give the same bytes (no extra spaces, escapes or fields).
  const again = payloadBytes(payload);
  if (again.length !== bytes.length || again.some((b, i) => b !== bytes[i])) return bad;
  return { ok: true, payload, bytes, signature };
}

export type VerifyResult =
  | { ok: true; payload: CertificatePayload }
  /** malformed: not a certificate token (edited or truncated); unknown_key: signed by a key we never published; bad_signature: forged or edited. */
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_signature'; payload?: CertificatePayload };

/** Check a token against the published keys with WebCrypto (works the same in Node ≥ 20 and browsers). */
export async function verifyToken(
  token: string,
  keys: readonly PublicJwk[],
  subtle: SubtleCrypto = globalThis.crypto.subtle,
): Promise<VerifyResult> {
  const decoded = decodeToken(token);
  if (!decoded.ok) return decoded;
  const jwk = keys.find((k) => k.kid === decoded.payload.kid && k.kty === 'OKP' && k.crv === 'Ed25519');
  if (!jwk) return { ok: false, reason: 'unknown_key', payload: decoded.payload };
  let valid = false;
  try {
    const key = await subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, [
      'verify',
    ]);
    valid = await subtle.verify(
      { name: 'Ed25519' },
      key,
      decoded.signature as BufferSource,
      decoded.bytes as BufferSource,
    );
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, payload: decoded.payload }
    : { ok: false, reason: 'bad_signature', payload: decoded.payload };
}

export type CertificateStatus = 'valid' | 'expired' | 'revoked' | 'superseded';

/**
 * Revocation wins over everything, then supersession (a renewal issued a newer certificate; this one keeps
 * its own dates), then expiry; a certificate expires at the start of its expiry instant.
 */
export function certificateStatus(
  c: { revoked_at: string | null; expires_at: string | null; superseded_at?: string | null },
  now: Date,
): CertificateStatus {
  if (c.revoked_at) return 'revoked';
  if (c.superseded_at && Date.parse(c.superseded_at) <= now.getTime()) return 'superseded';
  if (c.expires_at && Date.parse(c.expires_at) <= now.getTime()) return 'expired';
  return 'valid';
}

/** The verification page's address for a token (the token travels in the fragment, never to a server). */
export const verifyUrl = (origin: string, locale: 'uk' | 'en', token: string) =>
  `${origin.replace(/\/+$/, '')}/${locale}/verify/#${token}`;
