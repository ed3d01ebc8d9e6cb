/** Response schemas of certificates and the public register. */
import { z } from 'zod';
import { Localized, named, timestamp } from './common.ts';

const status = z.enum(['valid', 'expired', 'revoked', 'superseded']);
const course = z.object({ id: z.string(), title: Localized }).strict();

export const Certificate = named(
  'Certificate',
  z
    .object({
      code: z.string(),
      course,
      content_version: z.string(),
      name: z.string().describe('The name printed on it'),
      score: z.number().nullable(),
      issued_at: timestamp,
      expires_at: timestamp.nullable(),
      revoked_at: timestamp.nullable(),
      revoked_reason: z.string().nullable(),
      superseded_at: timestamp.nullable(),
      status,
      pdf_url: z.string(),
      verify_url: z.string().describe('The signed link the QR code carries'),
    })
    .strict(),
);
export const CertificateList = z.object({ certificates: z.array(Certificate) }).strict();
export const CertificateOne = z.object({ certificate: Certificate }).strict();

export const Verification = named(
  'Verification',
  z
    .object({
      status,
      name: z.string().nullable(),
      holder_erased: z.literal(true).optional().describe('The holder’s data was erased on request'),
      course,
      issued_at: timestamp,
      expires_at: timestamp.nullable(),
      revoked_at: timestamp.optional(),
      superseded_at: timestamp.optional(),
    })
    .strict(),
);
export const KeySet = z
  .object({
    keys: z.array(
      z
        .object({
          kty: z.literal('OKP'),
          crv: z.literal('Ed25519'),
          x: z.string(),
          kid: z.string(),
          alg: z.literal('EdDSA'),
          use: z.literal('sig'),
        })
        .strict(),
    ),
  })
  .strict();

const title = { uk: 'Захист дітей в інтернеті', en: 'Protecting children online' };
export const CERTIFICATES_EXAMPLE: z.input<typeof CertificateList> = {
  certificates: [
    {
      code: 'K7QM-4XPR-2WZT-9HBD',
      course: { id: 'online-child-protection', title },
      content_version: '2026.11',
      name: 'Олена Коваленко',
      score: 92,
      issued_at: '2026-11-29T10:31:00.000Z',
      expires_at: '2028-11-29T10:31:00.000Z',
      revoked_at: null,
      revoked_reason: null,
      superseded_at: null,
      status: 'valid',
      pdf_url: '/api/certificates/K7QM-4XPR-2WZT-9HBD.pdf',
      verify_url: 'https://oberih.example.ua/uk/verify/#eyJ…',
    },
  ],
};
export const VERIFY_EXAMPLE: z.input<typeof Verification> = {
  status: 'valid',
  name: 'Олена Коваленко',
  course: { id: 'online-child-protection', title },
  issued_at: '2026-11-29T10:31:00.000Z',
  expires_at: '2028-11-29T10:31:00.000Z',
};
