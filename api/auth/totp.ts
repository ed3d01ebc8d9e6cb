/**
 * TOTP second factor (RFC 6238 over RFC 4226 HOTP, via @oslojs/otp): 30-second steps, 6 digits,
 * SHA-1 (what every authenticator app supports), one step of clock drift either way (RFC 6238 5.2),
 * and each step accepted once (the caller records it: db/repos/totp.ts `acceptStep`).
 */
import { timingSafeEqual } from 'node:crypto';
import { createTOTPKeyURI, generateHOTP } from '@oslojs/otp';
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import QRCode from 'qrcode';
import { generateToken, hashToken } from './session.ts';

export const TOTP_PERIOD_S = 30;
export const TOTP_DIGITS = 6;
const ISSUER = 'Oberih';

/** A new 160-bit secret (RFC 4226 4: at least 128, 160 recommended), base32 as apps expect it. */
export function newTotpSecret(): string {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return encodeBase32UpperCaseNoPadding(key);
}

export const totpUri = (email: string, secret: string) =>
  createTOTPKeyURI(ISSUER, email, decodeBase32IgnorePadding(secret), TOTP_PERIOD_S, TOTP_DIGITS);

/** The QR code of the key URI as SVG markup, for the enrolment page. */
export const totpQrSvg = (uri: string) => QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });

/** The time step the code belongs to (now, or one step either side), or null when it matches none. */
export function totpStep(secret: string, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = decodeBase32IgnorePadding(secret);
  const current = Math.floor(nowMs / 1000 / TOTP_PERIOD_S);
  for (const step of [current, current - 1, current + 1]) {
    const expected = generateHOTP(key, BigInt(step), TOTP_DIGITS);
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code))) return step;
  }
  return null;
}

/** The code an authenticator app shows at `nowMs` (tests and the enrolment check use it). */
export const totpCode = (secret: string, nowMs: number) =>
  generateHOTP(decodeBase32IgnorePadding(secret), BigInt(Math.floor(nowMs / 1000 / TOTP_PERIOD_S)), TOTP_DIGITS);

/** Ten single-use recovery codes (80 bits each), shown once; only their SHA-256 is stored. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: 10 }, () => {
    const t = generateToken(10); // 16 base32 characters
    return `${t.slice(0, 4)}-${t.slice(4, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}`;
  });
}

/** Recovery codes are compared without dashes, spaces or case. */
export const recoveryCodeHash = (code: string) => hashToken(code.toLowerCase().replace(/[^a-z2-7]/g, ''));
