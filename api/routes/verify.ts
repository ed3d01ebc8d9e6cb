/**
 * Public verification. `GET /api/verify/:code` says valid / expired / revoked with the name as
 * printed, the course and the dates, and nothing else about the person. Unknown and malformed
 * codes get one identical answer, and lookups are rate limited per address, so codes cannot be
 * enumerated. The signing key's public half is published as a JWK set (RFC 7517) for offline checks.
 */
import { z } from 'zod';
import { certificateStatus, normaliseCode } from '../../courses/certificate.ts';
import { certificatesRepo } from '../certificates/repo.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { KeySet, VERIFY_EXAMPLE, Verification } from './schemas/certificates.ts';
import { clientIp } from './auth.ts';

export const JWKS_PATH = '/.well-known/oberih-certificates.json';
const codeParam = z.object({ code: z.string() });

export function verifyRoutes() {
  return new Resource('/api/verify', 'verify').route(
    {
      method: 'get',
      path: '/:code',
      response: Verification,
      errors: [404, 429],
      example: VERIFY_EXAMPLE,
      summary: 'Is this certificate valid? (public, rate limited)',
      access: 'public',
      params: codeParam,
    },
    async (c, { params }) => {
      const deps = c.get('deps');
      const ip = clientIp(c);
      const wait = deps.limits.verify.retryAfter(ip);
      if (wait > 0)
        throw new AppError(429, 'rate_limited', `too many look-ups; try again in ${wait} s`, undefined, {
          'Retry-After': String(wait),
        });
      deps.limits.verify.hit(ip);
      const code = normaliseCode(params.code);
      const cert = code ? await certificatesRepo(deps.db).byCode(code) : undefined;
      // The same answer for a code that does not exist and one that cannot exist.
      if (!cert) throw new AppError(404, 'not_found', 'no certificate with this code');
      const status = certificateStatus(cert, deps.now());
      return c.json({
        status,
        // After a holder's data is erased on request the certificate stays verifiable, without the name.
        name: cert.name_printed || null,
        ...(cert.name_printed ? {} : { holder_erased: true }),
        course: {
          id: cert.course_id,
          title: deps.catalog.courses.get(cert.course_id)?.course.title ?? { uk: cert.course_id, en: cert.course_id },
        },
        issued_at: cert.issued_at,
        expires_at: cert.expires_at,
        ...(cert.revoked_at ? { revoked_at: cert.revoked_at } : {}),
        // A renewed certificate: genuine, with its own dates, replaced by a newer one (whose code is not shown).
        ...(cert.superseded_at ? { superseded_at: cert.superseded_at } : {}),
      });
    },
  );
}

export function publicKeyRoutes() {
  const r = new Resource('', 'verify').route(
    {
      method: 'get',
      path: JWKS_PATH,
      response: KeySet,
      summary: 'Public keys that sign certificates (JWK set, Ed25519)',
      access: 'public',
    },
    (c) => {
      const signer = c.get('deps').certificateSigner;
      return c.json({ keys: signer ? [signer.jwk] : [] }, 200, {
        'Cache-Control': 'public, max-age=300',
        'Access-Control-Allow-Origin': '*',
      });
    },
  );
  // `/verify/<code>` and `/<locale>/verify/<code>` (typed from a printed certificate) open the static page.
  r.app.get('/:locale{uk|en}/verify/:code{[0-9A-Za-z-]{16,80}}', (c) =>
    c.redirect(`/${c.req.param('locale')}/verify/?code=${encodeURIComponent(c.req.param('code'))}`, 302),
  );
  r.app.get('/verify/:code{[0-9A-Za-z-]{16,80}}', (c) =>
    c.redirect(`/uk/verify/?code=${encodeURIComponent(c.req.param('code'))}`, 302),
  );
  return r;
}

export const verifyResources = () => [verifyRoutes(), publicKeyRoutes()];
