import crypto from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import {
  certificateStatus,
  decodeToken,
  encodeToken,
  formatCode,
  normaliseCode,
  payloadBytes,
  verifyToken,
  verifyUrl,
  type CertificatePayload,
} from '../../courses/certificate.ts';
import { signerFrom } from '../../api/certificates/keys.ts';

const signer = signerFrom(crypto.generateKeyPairSync('ed25519').privateKey);
const stranger = signerFrom(crypto.generateKeyPairSync('ed25519').privateKey);
const KEYS = [signer.jwk];

const genuine: CertificatePayload = {
  kid: signer.kid,
  code: formatCode(crypto.randomBytes(20)),
  name: 'Тарас Шевчук',
  course: 'initial-online-abuse',
  version: '1.2.0',
  issued: '2026-11-29',
  expires: '2027-11-29',
};
const sign = (p: CertificatePayload, s = signer) => encodeToken(p, s.sign(payloadBytes(p)));

/** Replace the payload half of a token, keeping the original signature (what an editor of a QR code would do). */
const withPayload = (token: string, p: CertificatePayload) =>
  `${encodeBase64urlNoPadding(payloadBytes(p))}.${token.split('.')[1]}`;

describe('certificate codes', () => {
  it('have 160 random bits as 32 Crockford characters in groups of four', () => {
    const code = formatCode(crypto.randomBytes(20));
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(formatCode(new Uint8Array(20))).toBe('0000-0000-0000-0000-0000-0000-0000-0000');
    expect(formatCode(new Uint8Array(20).fill(255))).toBe('ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ');
    expect(() => formatCode(new Uint8Array(15))).toThrow(/20 random bytes/);
  });

  it('distinct random bytes give distinct codes (the encoding loses nothing)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        fc.uint8Array({ minLength: 20, maxLength: 20 }),
        (a, b) => {
          const same = a.every((x, i) => x === b[i]);
          expect(formatCode(a) === formatCode(b)).toBe(same);
        },
      ),
    );
  });

  it('are read back the way people type them: any case, spaces, no dashes, O for 0, I or L for 1', () => {
    const code = genuine.code;
    expect(normaliseCode(code)).toBe(code);
    expect(normaliseCode(code.toLowerCase().replace(/-/g, ' '))).toBe(code);
    expect(normaliseCode('oooo-iiii-llll-0000-1111-2222-3333-4444')).toBe('0000-1111-1111-0000-1111-2222-3333-4444');
    for (const bad of [
      '',
      'ABCD',
      `${code}-ABCD`,
      code.replace(/.$/, 'U'),
      '../../etc/passwd',
      "' OR 1=1 --",
      'A'.repeat(500),
    ])
      expect(normaliseCode(bad)).toBeNull();
  });
});

describe('signed payloads', () => {
  it('a genuine token verifies and gives back exactly what was signed', async () => {
    const token = sign(genuine);
    expect(await verifyToken(token, KEYS)).toEqual({ ok: true, payload: genuine });
    // A certificate that never expires.
    const forever = { ...genuine, expires: null };
    expect(await verifyToken(sign(forever), KEYS)).toEqual({ ok: true, payload: forever });
  });

  it('an edited name is a forgery', async () => {
    const token = sign(genuine);
    const r = await verifyToken(withPayload(token, { ...genuine, name: 'Тарас Шевченко' }), KEYS);
    expect(r).toMatchObject({ ok: false, reason: 'bad_signature', payload: { name: 'Тарас Шевченко' } });
  });

  it('an edited issue or expiry date is a forgery', async () => {
    const token = sign(genuine);
    expect(await verifyToken(withPayload(token, { ...genuine, expires: '2099-11-29' }), KEYS)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(await verifyToken(withPayload(token, { ...genuine, issued: '2026-11-28' }), KEYS)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
    expect(await verifyToken(withPayload(token, { ...genuine, expires: null }), KEYS)).toMatchObject({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('a token signed with another key is a forgery, whether it names our key id or its own', async () => {
    expect(await verifyToken(sign(genuine, stranger), KEYS)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(await verifyToken(sign({ ...genuine, kid: stranger.kid }, stranger), KEYS)).toMatchObject({
      ok: false,
      reason: 'unknown_key',
    });
    // …and it is genuine for whoever holds that other key's public half.
    expect(
      await verifyToken(sign({ ...genuine, kid: stranger.kid }, stranger), [signer.jwk, stranger.jwk]),
    ).toMatchObject({ ok: true });
  });

  it('a truncated token is rejected, wherever it was cut', async () => {
    const token = sign(genuine);
    const dot = token.indexOf('.');
    for (const cut of [1, 10, dot - 1, dot, dot + 1, dot + 40, token.length - 1]) {
      const r = await verifyToken(token.slice(0, cut), KEYS);
      expect(r.ok, `cut at ${cut}`).toBe(false);
    }
    expect(await verifyToken('', KEYS)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('any single changed character of a genuine token fails verification', async () => {
    const token = sign(genuine);
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: token.length - 1 }), fc.constantFrom(...'ABCabc019_-.'), async (i, ch) => {
        fc.pre(token[i] !== ch);
        const edited = token.slice(0, i) + ch + token.slice(i + 1);
        expect((await verifyToken(edited, KEYS)).ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('only the one canonical encoding is accepted (no re-serialised or padded payloads)', async () => {
    const token = sign(genuine);
    const [, sig] = token.split('.');
    const json = JSON.stringify(
      [
        'oc1',
        genuine.kid,
        genuine.code,
        genuine.name,
        genuine.course,
        genuine.version,
        genuine.issued,
        genuine.expires,
      ],
      null,
      1,
    );
    expect(decodeToken(`${encodeBase64urlNoPadding(new TextEncoder().encode(json))}.${sig}`)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    const extra = JSON.stringify([
      'oc1',
      genuine.kid,
      genuine.code,
      genuine.name,
      genuine.course,
      genuine.version,
      genuine.issued,
      genuine.expires,
      'x',
    ]);
    expect(decodeToken(`${encodeBase64urlNoPadding(new TextEncoder().encode(extra))}.${sig}`)).toEqual({
      ok: false,
      reason: 'malformed',
    });
    expect(decodeToken(`${token}.${sig}`)).toEqual({ ok: false, reason: 'malformed' });
    expect(decodeToken(token.replace('.', '.=='))).toEqual({ ok: false, reason: 'malformed' });
    // The signature decodes to exactly 64 bytes.
    expect(decodeBase64urlIgnorePadding(sig!)).toHaveLength(64);
  });

  it('the signed bytes are the compact JSON array, UTF-8, in a fixed order', () => {
    expect(new TextDecoder().decode(payloadBytes(genuine))).toBe(
      `["oc1","${signer.kid}","${genuine.code}","Тарас Шевчук","initial-online-abuse","1.2.0","2026-11-29","2027-11-29"]`,
    );
  });

  it('the verification link carries the token in the fragment, which browsers never send to a server', () => {
    const token = sign(genuine);
    const url = new URL(verifyUrl('https://oberih.example.ua/', 'en', token));
    expect(url.pathname).toBe('/en/verify/');
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#${token}`);
  });
});

describe('status', () => {
  const now = new Date('2027-06-01T00:00:00Z');
  it('revocation wins over expiry; expiry is exact to the instant', () => {
    expect(certificateStatus({ revoked_at: null, expires_at: null }, now)).toBe('valid');
    expect(certificateStatus({ revoked_at: null, expires_at: '2027-06-01T00:00:01Z' }, now)).toBe('valid');
    expect(certificateStatus({ revoked_at: null, expires_at: '2027-06-01T00:00:00Z' }, now)).toBe('expired');
    expect(certificateStatus({ revoked_at: '2027-01-01T00:00:00Z', expires_at: '2027-02-01T00:00:00Z' }, now)).toBe(
      'revoked',
    );
  });
});
