/**
 * Issuing certificates: exactly one per course completion (`certificates.completion_id` is unique,
 * and a repeated completion event finds the certificate it already issued).
 */
import crypto from 'node:crypto';
import { encodeBase64urlNoPadding, decodeBase64urlIgnorePadding } from '@oslojs/encoding';
import { encodeToken, formatCode, isoDate, payloadBytes, type CertificatePayload } from '../../courses/certificate.ts';
import { certificateExpiry } from '../../courses/completion.ts';
import type { Certificate } from '../../db/schema.ts';
import type { CompletionListener } from '../completion.ts';
import type { Deps } from '../deps.ts';

/** The signed payload of a stored certificate. */
export const payloadOf = (
  c: Pick<Certificate, 'code' | 'name_printed' | 'course_id' | 'content_version' | 'issued_at' | 'expires_at'>,
  kid: string,
): CertificatePayload => ({
  kid,
  code: c.code,
  name: c.name_printed,
  course: c.course_id,
  version: c.content_version,
  issued: isoDate(c.issued_at),
  expires: c.expires_at ? isoDate(c.expires_at) : null,
});

/** The QR token of a stored certificate: `signature` is stored as `<kid>.<base64url signature>`. */
export function tokenOf(c: Certificate): string {
  const [kid, sig] = c.signature.split('.') as [string, string];
  return encodeToken(payloadOf(c, kid), decodeBase64urlIgnorePadding(sig));
}

export async function issueCertificate(deps: Deps, c: Parameters<CompletionListener>[1]): Promise<Certificate | null> {
  const existing = await deps.db
    .selectFrom('certificates')
    .selectAll()
    .where('completion_id', '=', c.completionId)
    .executeTakeFirst();
  if (existing) return existing;
  const signer = deps.certificateSigner;
  const loaded = deps.catalog.courses.get(c.courseId);
  const completion = await deps.db
    .selectFrom('completions')
    .selectAll()
    .where('id', '=', c.completionId)
    .executeTakeFirst();
  const user = await deps.db
    .selectFrom('users')
    .select(['full_name', 'role'])
    .where('id', '=', c.userId)
    .executeTakeFirst();
  if (!signer || !loaded || !completion || !user) {
    deps.log.error('certificate not issued', {
      completion: c.completionId,
      reason: !signer ? 'no signing key' : !loaded ? 'unknown course' : 'missing completion or user',
    });
    return null;
  }
  const issuedAt = completion.completed_at;
  const row = {
    code: formatCode(crypto.randomBytes(20)),
    user_id: c.userId,
    completion_id: c.completionId,
    course_id: c.courseId,
    content_version: completion.content_version,
    name_printed: user.full_name,
    role_printed: user.role,
    score: completion.score,
    issued_at: issuedAt,
    expires_at: certificateExpiry(loaded.course, new Date(issuedAt))?.toISOString() ?? null,
    revoked_at: null,
    revoked_reason: null,
  };
  const signature = `${signer.kid}.${encodeBase64urlNoPadding(signer.sign(payloadBytes(payloadOf(row, signer.kid))))}`;
  await deps.db
    .insertInto('certificates')
    .values({ ...row, signature })
    .onConflict((oc) => oc.column('completion_id').doNothing())
    .execute();
  const stored = await deps.db
    .selectFrom('certificates')
    .selectAll()
    .where('completion_id', '=', c.completionId)
    .executeTakeFirstOrThrow();
  if (stored.code === row.code) {
    // A renewal replaces the earlier certificates of the course: they stay verifiable, as superseded.
    await deps.db
      .updateTable('certificates')
      .set({ superseded_by: row.code, superseded_at: issuedAt })
      .where('user_id', '=', c.userId)
      .where('course_id', '=', c.courseId)
      .where('code', '!=', row.code)
      .where('superseded_by', 'is', null)
      .where('issued_at', '<=', issuedAt)
      .execute();
    deps.log.info('certificate issued', { code: stored.code, user: c.userId, course: c.courseId });
  }
  return stored;
}

/**
 * Issue the certificate of every completion that has none (idempotent). Completions recorded through
 * the API get theirs at once (`onCourseCompleted`); this covers completions written directly, as the
 * demo seed does. Returns how many were issued.
 */
export async function issueMissingCertificates(deps: Deps): Promise<number> {
  const missing = await deps.db
    .selectFrom('completions')
    .leftJoin('certificates', 'certificates.completion_id', 'completions.id')
    .where('certificates.code', 'is', null)
    .select([
      'completions.id',
      'completions.user_id',
      'completions.course_id',
      'completions.score',
      'completions.completed_at',
    ])
    .orderBy('completions.id')
    .execute();
  let issued = 0;
  for (const m of missing) {
    const cert = await issueCertificate(deps, {
      completionId: m.id,
      userId: m.user_id,
      courseId: m.course_id,
      score: m.score,
      completedAt: m.completed_at,
    });
    if (cert) issued++;
  }
  return issued;
}
