/**
 * Certificates: the learner's list, the PDF (owner, the learner's cohort instructors, admins),
 * the per-cohort CSV for instructors, and revocation by admins. Certificates are issued by the
 * completion listener registered here, once per course completion.
 */
import { stringify } from 'csv-stringify/sync';
import type { Context } from 'hono';
import { z } from 'zod';
import { certificateStatus, normaliseCode, verifyUrl } from '../../courses/certificate.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { usersRepo } from '../../db/repos/users.ts';
import type { Certificate } from '../../db/schema.ts';
import { canSeeCohort, canSeeLearnerRecord } from '../access.ts';
import { issueCertificate, tokenOf } from '../certificates/issue.ts';
import { certificatePdf } from '../certificates/pdf.ts';
import { certificatesRepo } from '../certificates/repo.ts';
import { onCourseCompleted } from '../completion.ts';
import type { Deps } from '../deps.ts';
import type { AppEnv } from '../env.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { CERTIFICATES_EXAMPLE, CertificateList, CertificateOne } from './schemas/certificates.ts';
import { clientIp } from './auth.ts';
import { idParam } from './fields.ts';
import { verifyResources } from './verify.ts';

// One certificate per completion. A failure here must not fail the learner's submission: the
// completion is already stored, and the learner's certificate list issues whatever is missing.
onCourseCompleted(async (deps, completion) => {
  try {
    await issueCertificate(deps, completion);
  } catch (e) {
    deps.log.error('certificate issue failed', { completion: completion.completionId, error: (e as Error).message });
  }
});

export const revokeBody = z
  .object({ reason: z.string().trim().min(3, 'at least 3 characters').max(500, 'at most 500 characters') })
  .strict();
const fileParam = z.object({ file: z.string().max(100) }).strict();
const codeParam = z.object({ code: z.string().max(100) }).strict();
const STAFF = ['instructor', 'admin'] as const;

/** Where links in QR codes point: the configured public address, else the address the request came to. */
export const publicOrigin = (c: Context<AppEnv>) => c.get('deps').config.publicUrl ?? new URL(c.req.url).origin;

const titleOf = (deps: Deps, courseId: string) =>
  deps.catalog.courses.get(courseId)?.course.title ?? { uk: courseId, en: courseId };

function view(c: Context<AppEnv>, cert: Certificate, locale: 'uk' | 'en') {
  const deps = c.get('deps');
  return {
    code: cert.code,
    course: { id: cert.course_id, title: titleOf(deps, cert.course_id) },
    content_version: cert.content_version,
    name: cert.name_printed,
    score: cert.score,
    issued_at: cert.issued_at,
    expires_at: cert.expires_at,
    revoked_at: cert.revoked_at,
    revoked_reason: cert.revoked_reason,
    superseded_at: cert.superseded_at,
    status: certificateStatus(cert, deps.now()),
    pdf_url: `/api/certificates/${cert.code}.pdf`,
    verify_url: verifyUrl(publicOrigin(c), locale, tokenOf(cert)),
  };
}

/** CSV cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP CSV injection). */
const cell = (v: string | number | null) =>
  v === null ? '' : typeof v === 'string' && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;

const ownerLocale = (deps: Deps, userId: number) => usersRepo(deps.db).locale(userId);

export function certificateRoutes() {
  return new Resource('/api', 'certificates')
    .route(
      {
        method: 'get',
        path: '/me/certificates',
        response: CertificateList,
        example: CERTIFICATES_EXAMPLE,
        summary: 'My certificates (with PDF and verification links)',
        access: 'authenticated',
      },
      async (c) => {
        const deps = c.get('deps');
        const me = c.get('user')!;
        const repo = certificatesRepo(deps.db);
        for (const missing of await repo.completionsWithout(me.id)) {
          await issueCertificate(deps, {
            completionId: missing.id,
            userId: me.id,
            courseId: missing.course_id,
            score: missing.score,
            completedAt: missing.completed_at,
          });
        }
        const locale = await ownerLocale(deps, me.id);
        return c.json({ certificates: (await repo.forUser(me.id)).map((cert) => view(c, cert, locale)) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/certificates/:file',
        summary:
          "A certificate as PDF (`/api/certificates/<code>.pdf`): its owner, the learner's cohort instructors, admins",
        access: 'authenticated',
        params: fileParam,
        errors: [404, 410],
        produces: 'application/pdf',
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const code = params.file.toLowerCase().endsWith('.pdf') ? normaliseCode(params.file.slice(0, -4)) : null;
        const cert = code ? await certificatesRepo(deps.db).byCode(code) : undefined;
        if (!cert) throw notFound('certificate');
        if (
          !(await canSeeLearnerRecord(deps, c.get('user')!, cert.user_id, {
            courseId: cert.course_id,
            at: cert.issued_at,
          }))
        )
          throw forbidden("only the certificate's owner, their instructors and admins may download it");
        if (cert.revoked_at)
          throw new AppError(
            410,
            'gone',
            `this certificate was revoked on ${cert.revoked_at.slice(0, 10)} and is no longer issued`,
          );
        if (!cert.name_printed)
          throw new AppError(
            410,
            'gone',
            "the holder's personal data was erased on request; the certificate can still be verified by its code",
          );
        const origin = publicOrigin(c);
        const locale = await ownerLocale(deps, cert.user_id);
        const pdf = await certificatePdf({
          code: cert.code,
          name: cert.name_printed,
          courseTitle: titleOf(deps, cert.course_id),
          version: cert.content_version,
          issuedAt: cert.issued_at,
          expiresAt: cert.expires_at,
          score: cert.score,
          role: cert.role_printed,
          qrUrl: verifyUrl(origin, locale, tokenOf(cert)),
          verifyPage: `${origin}/${locale}/verify/`,
        });
        return c.body(pdf as Uint8Array<ArrayBuffer>, 200, {
          'content-type': 'application/pdf',
          'content-disposition': `inline; filename="oberih-certificate-${cert.code}.pdf"`,
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/certificates.csv',
        summary: "Certificates of a cohort's members as CSV (UTF-8 with BOM)",
        access: STAFF,
        params: idParam,
        produces: 'text/csv',
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortsRepo(deps.db).byIdWithArchived(params.id);
        if (!cohort) throw notFound('cohort');
        if (!(await canSeeCohort(deps, c.get('user')!, params.id)))
          throw forbidden('you can export only your own cohorts');
        const rows = await certificatesRepo(deps.storage.read).forCohort(params.id);
        const now = deps.now();
        const csv = stringify(
          rows.map((r) =>
            [
              r.code,
              r.name_printed,
              r.email,
              r.course_id,
              titleOf(deps, r.course_id).uk,
              r.content_version,
              r.score,
              r.issued_at.slice(0, 10),
              r.expires_at?.slice(0, 10) ?? null,
              certificateStatus(r, now),
              r.revoked_at?.slice(0, 10) ?? null,
            ].map(cell),
          ),
          {
            bom: true,
            header: true,
            columns: [
              'code',
              'name',
              'email',
              'course_id',
              'course_title',
              'content_version',
              'score',
              'issued_on',
              'expires_on',
              'status',
              'revoked_on',
            ],
            record_delimiter: 'windows',
          },
        );
        return c.body(csv, 200, {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="cohort-${cohort.id}-certificates.csv"`,
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/admin/certificates/:code/revoke',
        fresh: true,
        response: CertificateOne,
        errors: [404, 409],
        summary: 'Revoke a certificate, with a reason (audit-logged)',
        access: ['admin'],
        params: codeParam,
        body: revokeBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const code = normaliseCode(params.code);
        const cert = code ? await certificatesRepo(deps.db).byCode(code) : undefined;
        if (!cert) throw notFound('certificate');
        if (cert.revoked_at)
          throw new AppError(
            409,
            'conflict',
            `this certificate was already revoked on ${cert.revoked_at.slice(0, 10)}`,
          );
        const at = deps.now().toISOString();
        await certificatesRepo(deps.db).revoke(cert.code, at, body.reason);
        await auditRepo(deps.db).record({
          event: 'certificate.revoked',
          actor_id: c.get('user')!.id,
          target: `certificate:${cert.code}`,
          details: { reason: body.reason, user: cert.user_id, course: cert.course_id },
          ip: clientIp(c),
        });
        const updated = (await certificatesRepo(deps.db).byCode(cert.code))!;
        return c.json({ certificate: view(c, updated, await ownerLocale(deps, cert.user_id)) });
      },
    );
}

/** Every certificate-related resource, registered with one line in `resources()`. */
export const certificateResources = () => [certificateRoutes(), ...verifyResources()];
