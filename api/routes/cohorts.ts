/**
 * Cohorts: instructors create them, assign courses with due dates, hand out enrolment codes (shown
 * once, stored only as SHA-256, with expiry and a seat limit), import and remove members. An
 * instructor sees only their own cohorts (403 on another's); admins see all.
 */
import { isUniqueViolation } from '../../db/errors.ts';
import type { Context } from 'hono';
import { z } from 'zod';
import { hashCode } from '../../db/enrolment-code.ts';
import { auditRepo, type AuditEvent } from '../../db/repos/audit.ts';
import { cohortsRepo, type ImportRow } from '../../db/repos/cohorts.ts';
import type { Cohort } from '../../db/schema.ts';
import { canSeeCohort } from '../access.ts';
import { generateToken, hashToken } from '../auth/session.ts';
import type { AppEnv } from '../env.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import {
  COHORT_EXAMPLE,
  CodeCreated,
  CodeList,
  CohortArchived,
  CohortDetail,
  CohortList,
  CohortOne,
  CourseAssigned,
  ImportReport,
  MemberList,
} from './schemas/cohorts.ts';
import { Ok } from './schemas/common.ts';
import { clientIp } from './auth.ts';
import { readMembersCsv, type RejectedRow } from './cohort-import.ts';
import { idParam, isoDateTime, localeField, nameField } from './fields.ts';

const STAFF = ['instructor', 'admin'] as const;
const DAY = 86_400_000;
/** A reset link made for an imported account works this long. */
export const IMPORT_RESET_TTL_MS = 14 * DAY;

const dateField = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date like 2026-09-01')
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'not a real date',
  );
const unitField = z.string().trim().min(1, 'required').max(200, 'at most 200 characters');
const datesInOrder = (b: { starts_on?: string | null; ends_on?: string | null }) =>
  !b.starts_on || !b.ends_on || b.starts_on <= b.ends_on;

export const cohortBody = z
  .object({
    name: nameField,
    unit: unitField,
    starts_on: dateField.nullable().default(null),
    ends_on: dateField.nullable().default(null),
  })
  .strict()
  .refine(datesInOrder, { message: 'the term must not end before it starts', path: ['ends_on'] });
export const cohortPatch = z
  .object({
    name: nameField.optional(),
    unit: unitField.optional(),
    starts_on: dateField.nullable().optional(),
    ends_on: dateField.nullable().optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of name, unit, starts_on, ends_on');
export const assignBody = z.object({ due_on: dateField.nullable().default(null) }).strict();
export const codeBody = z
  .object({
    /** Role given to accounts created with the code. */
    role: z.enum(['cadet', 'officer']).default('cadet'),
    /** Expiry as a date-time; or `expires_in_days` (default 30). */
    expires_at: isoDateTime().optional(),
    expires_in_days: z.number().int().min(1).max(730).optional(),
    /** How many accounts the code may create; null for no limit. */
    max_seats: z.number().int().min(1).max(10_000).nullable().default(null),
  })
  .strict()
  .refine((b) => !(b.expires_at && b.expires_in_days), {
    message: 'send expires_at or expires_in_days, not both',
    path: ['expires_at'],
  });
export const importBody = z
  .object({
    /** The CSV text: a header row (full_name, email, role) and one row per learner. */
    csv: z.string().min(1, 'required').max(2_000_000, 'at most 2,000,000 characters'),
    /** false (default): only report what would happen. true: write every valid row in one transaction. */
    confirm: z.boolean().default(false),
    /** Language of the reset links and of new accounts. */
    locale: localeField.default('uk'),
  })
  .strict();
const courseParams = z
  .object({ id: z.coerce.number().int().positive(), courseId: z.string().regex(/^[a-z0-9-]{1,80}$/, 'a course id') })
  .strict();
const codeParams = z
  .object({
    id: z.coerce.number().int().positive(),
    codeId: z.string().regex(/^[0-9a-f]{16}$/, 'a code id (16 hex digits)'),
  })
  .strict();
const memberParams = z
  .object({ id: z.coerce.number().int().positive(), userId: z.coerce.number().int().positive() })
  .strict();

/** An archived cohort can be restored by an admin for this many days. */
export const ARCHIVE_DAYS = 30;

/** Accountability for changes to a cohort (ASVS 5.0 V16): who, what, when, from where. */
const audit = (c: Context<AppEnv>, event: AuditEvent, cohortId: number, details: Record<string, unknown>) =>
  auditRepo(c.get('deps').db).record({
    event,
    actor_id: c.get('user')!.id,
    target: `cohort:${cohortId}`,
    details,
    ip: clientIp(c),
  });

/** The cohort, when it exists (404) and the caller may see it (403). */
export async function cohortFor(c: Context<AppEnv>, id: number): Promise<Cohort> {
  const deps = c.get('deps');
  const cohort = await cohortsRepo(deps.db).byId(id);
  if (!cohort) throw notFound('cohort');
  if (!(await canSeeCohort(deps, c.get('user')!, id))) throw forbidden('this cohort belongs to another instructor');
  return cohort;
}

/** Unambiguous characters (no I, O, 0, 1): 16 of them carry 80 bits. */
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export function generateEnrolmentCode(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = [...bytes].map((b) => CODE_ALPHABET[b & 31]).join('');
  return chars.match(/.{4}/g)!.join('-');
}

/** Public address for links: PUBLIC_URL when set, else the address the request came to. */
export const publicBase = (c: Context<AppEnv>) =>
  (c.get('deps').config.publicUrl ?? new URL(c.req.url).origin).replace(/\/$/, '');
/** The reset link carries the token in the fragment, so it never reaches server logs or Referer headers. */
export const resetLink = (c: Context<AppEnv>, locale: 'uk' | 'en', token: string) =>
  `${publicBase(c)}/${locale}/reset/#token=${token}`;

function courseInfo(c: Context<AppEnv>, courseId: string) {
  const loaded = c.get('deps').catalog.courses.get(courseId);
  return loaded
    ? { title: loaded.course.title, modules: loaded.course.modules.length, assessment: !!loaded.course.assessment }
    : null;
}

export function cohortRoutes() {
  return new Resource('/api/cohorts', 'cohorts')
    .route(
      {
        method: 'get',
        path: '/',
        response: CohortList,
        summary: 'My cohorts (admins: every cohort) with member and course counts',
        access: STAFF,
      },
      async (c) => {
        const user = c.get('user')!;
        return c.json({ cohorts: await cohortsRepo(c.get('deps').db).list(user.role === 'admin' ? null : user.id) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/',
        response: CohortOne,
        status: 201,
        example: COHORT_EXAMPLE,
        summary: 'Create a cohort (name, university or unit, term dates); the caller owns it',
        access: STAFF,
        body: cohortBody,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const cohort = await cohortsRepo(deps.db).create({
          ...body,
          owner_id: c.get('user')!.id,
          created_at: deps.now().toISOString(),
        });
        return c.json({ cohort }, 201);
      },
    )
    .route(
      {
        method: 'get',
        path: '/:id',
        response: CohortDetail,
        errors: [404],
        summary:
          'A cohort with its courses, enrolment codes (never the codes themselves) and the courses that can be assigned',
        access: STAFF,
        params: idParam,
      },
      async (c, { params }) => {
        const cohort = await cohortFor(c, params.id);
        const repo = cohortsRepo(c.get('deps').db);
        const [courses, codes, members] = await Promise.all([
          repo.courses(cohort.id),
          repo.codes(cohort.id),
          repo.members(cohort.id),
        ]);
        const catalog = [...c.get('deps').catalog.courses.values()].map((l) => ({
          id: l.course.id,
          title: l.course.title,
          audience: l.course.audience,
        }));
        return c.json({
          cohort,
          members: members.length,
          courses: courses.map((cc) => ({ ...cc, ...courseInfo(c, cc.course_id) })),
          codes,
          catalog,
        });
      },
    )
    .route(
      {
        method: 'patch',
        path: '/:id',
        response: CohortOne,
        errors: [404],
        summary: 'Rename a cohort or change its unit or term dates',
        access: STAFF,
        params: idParam,
        body: cohortPatch,
      },
      async (c, { params, body }) => {
        const cohort = await cohortFor(c, params.id);
        const next = { ...cohort, ...body };
        if (!datesInOrder(next))
          throw new AppError(400, 'validation_failed', 'the term must not end before it starts', {
            ends_on: 'before starts_on',
          });
        await cohortsRepo(c.get('deps').db).update(cohort.id, body);
        return c.json({ cohort: await cohortsRepo(c.get('deps').db).byId(cohort.id) });
      },
    )
    .route(
      {
        method: 'delete',
        path: '/:id',
        response: CohortArchived,
        errors: [404],
        summary:
          'Delete a cohort: it is archived (gone from lists and reports, its codes revoked) and an admin can restore it for 30 days',
        access: STAFF,
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        await cohortsRepo(deps.db).archive(cohort.id, deps.now().toISOString());
        await audit(c, 'cohort.archived', cohort.id, { name: cohort.name });
        return c.json({
          ok: true,
          restorable_until: new Date(deps.now().getTime() + ARCHIVE_DAYS * DAY).toISOString(),
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/restore',
        response: CohortOne,
        errors: [404, 410],
        summary: 'Restore an archived cohort (admins, within 30 days of its deletion); its codes stay revoked',
        access: ['admin'],
        params: idParam,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = cohortsRepo(deps.db);
        const cohort = await repo.byIdWithArchived(params.id);
        if (!cohort?.archived_at) throw notFound('archived cohort');
        if (Date.parse(cohort.archived_at) + ARCHIVE_DAYS * DAY < deps.now().getTime())
          throw new AppError(
            410,
            'gone',
            `this cohort was deleted on ${cohort.archived_at.slice(0, 10)}, more than ${ARCHIVE_DAYS} days ago`,
          );
        await repo.restore(cohort.id);
        await audit(c, 'cohort.restored', cohort.id, { name: cohort.name });
        return c.json({ cohort: await repo.byId(cohort.id) });
      },
    )
    .route(
      {
        method: 'put',
        path: '/:id/courses/:courseId',
        response: CourseAssigned,
        errors: [404],
        summary: 'Assign a course to the cohort, or change its due date',
        access: STAFF,
        params: courseParams,
        body: assignBody,
      },
      async (c, { params, body }) => {
        const cohort = await cohortFor(c, params.id);
        if (!c.get('deps').catalog.courses.has(params.courseId))
          throw new AppError(404, 'not_found', `unknown course "${params.courseId}"`);
        const deps = c.get('deps');
        await cohortsRepo(deps.db).assignCourse(cohort.id, params.courseId, body.due_on, deps.now().toISOString());
        return c.json({
          course: { course_id: params.courseId, due_on: body.due_on, ...courseInfo(c, params.courseId) },
        });
      },
    )
    .route(
      {
        method: 'delete',
        path: '/:id/courses/:courseId',
        response: Ok,
        errors: [404],
        summary: 'Stop assigning a course to the cohort (learners keep their records)',
        access: STAFF,
        params: courseParams,
      },
      async (c, { params }) => {
        const cohort = await cohortFor(c, params.id);
        if (!(await cohortsRepo(c.get('deps').db).unassignCourse(cohort.id, params.courseId)))
          throw notFound('course assignment');
        await audit(c, 'cohort.course_unassigned', cohort.id, { course_id: params.courseId });
        return c.json({ ok: true });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/codes',
        response: CodeCreated,
        status: 201,
        errors: [404],
        summary: 'Generate an enrolment code (shown once; only its hash is stored) with expiry and seat limit',
        access: STAFF,
        params: idParam,
        body: codeBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const now = deps.now();
        const expires = body.expires_at
          ? new Date(body.expires_at)
          : new Date(now.getTime() + (body.expires_in_days ?? 30) * DAY);
        if (expires.getTime() <= now.getTime())
          throw new AppError(400, 'validation_failed', 'the expiry must be in the future', {
            expires_at: 'in the past',
          });
        const code = generateEnrolmentCode();
        const row = {
          code_hash: hashCode(code),
          hint: code.slice(0, 4),
          cohort_id: cohort.id,
          role: body.role,
          expires_at: expires.toISOString(),
          max_seats: body.max_seats,
          created_at: now.toISOString(),
        };
        await cohortsRepo(deps.db).createCode(row);
        const { code_hash, ...info } = row;
        return c.json(
          { code, enrolment_code: { id: code_hash.slice(0, 16), ...info, used_seats: 0, revoked_at: null } },
          201,
        );
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/codes/:codeId/revoke',
        response: CodeList,
        errors: [404],
        summary: 'Revoke an enrolment code: it stops working at once',
        access: STAFF,
        params: codeParams,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        if (!(await cohortsRepo(deps.db).revokeCode(cohort.id, params.codeId, deps.now().toISOString())))
          throw notFound('enrolment code');
        await audit(c, 'enrolment_code.revoked', cohort.id, { code_id: params.codeId });
        return c.json({ codes: await cohortsRepo(deps.db).codes(cohort.id) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/:id/members',
        summary: "The cohort's members",
        access: STAFF,
        params: idParam,
        response: MemberList,
        errors: [404],
      },
      async (c, { params }) => {
        const cohort = await cohortFor(c, params.id);
        return c.json({ members: await cohortsRepo(c.get('deps').db).members(cohort.id) });
      },
    )
    .route(
      {
        method: 'delete',
        path: '/:id/members/:userId',
        response: Ok,
        errors: [404],
        summary: 'Remove a member from the cohort (the account and its records stay)',
        access: STAFF,
        params: memberParams,
      },
      async (c, { params }) => {
        const cohort = await cohortFor(c, params.id);
        if (!(await cohortsRepo(c.get('deps').db).removeMember(cohort.id, params.userId))) throw notFound('member');
        await audit(c, 'cohort.member_removed', cohort.id, { user_id: params.userId });
        return c.json({ ok: true });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/import',
        response: ImportReport,
        errors: [404, 409],
        summary:
          'Import members from CSV: a per-row report; writes nothing unless confirm is true, then every valid row in one transaction',
        access: STAFF,
        params: idParam,
        body: importBody,
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const cohort = await cohortFor(c, params.id);
        const repo = cohortsRepo(deps.db);
        const { delimiter, rows, rejected } = readMembersCsv(body.csv);
        const existing = await repo.usersByEmail(
          cohort.id,
          rows.map((r) => r.email),
        );
        // An instructor may not pull an existing account into their cohort (it would open the learner's
        // records to them): it is invited and joins when the learner accepts. An admin adds it directly.
        // For an instructor the dry run answers alike for new, existing, staff and deactivated emails, so
        // it tells nothing about which accounts exist (ASVS 5.0 6.3.8).
        const admin = c.get('user')!.role === 'admin';
        const accepted: {
          line: number;
          full_name: string;
          email: string;
          role: string;
          account?: 'new' | 'existing';
        }[] = [];
        const plan: { row: (typeof rows)[number]; user: ReturnType<typeof existing.get> }[] = [];
        const late: RejectedRow[] = [];
        for (const row of rows) {
          const user = existing.get(row.email);
          const reject = (code: RejectedRow['code'], reason: string) =>
            late.push({ line: row.line, full_name: row.full_name, email: row.email, code, reason });
          if (user?.in_cohort) reject('already_in_cohort', 'already a member of this cohort');
          else if (admin && user && user.role !== 'cadet' && user.role !== 'officer')
            reject('not_a_learner_account', 'an account with this email exists and is not a learner account');
          else if (admin && user && !user.active)
            reject('account_deactivated', 'an account with this email exists and is deactivated; ask an admin');
          else {
            accepted.push({
              line: row.line,
              full_name: row.full_name,
              email: row.email,
              role: admin ? (user?.role ?? row.role) : row.role,
              ...(admin ? { account: user ? 'existing' : 'new' } : {}),
            });
            plan.push({ row, user });
          }
        }
        const allRejected = [...rejected, ...late].sort((a, b) => a.line - b.line);
        const report = {
          dry_run: !body.confirm,
          delimiter: delimiter === '\t' ? 'tab' : delimiter,
          total: rows.length + rejected.length,
          valid: accepted.length,
          ...(admin ? { new_accounts: accepted.filter((a) => a.account === 'new').length } : {}),
          accepted,
          rejected: allRejected,
        };
        if (!body.confirm || plan.length === 0) return c.json({ ...report, dry_run: !body.confirm, written: false });

        const now = deps.now();
        const expires = new Date(now.getTime() + IMPORT_RESET_TTL_MS).toISOString();
        const links: { email: string; url: string; expires_at: string }[] = [];
        const writes: ImportRow[] = plan.flatMap(({ row, user }): ImportRow[] => {
          if (user && admin) return [{ kind: 'existing', user_id: user.id }];
          if (user) {
            // Staff and deactivated accounts are never invited; the answer does not say so.
            const invitable = (user.role === 'cadet' || user.role === 'officer') && user.active;
            return invitable ? [{ kind: 'invite', user_id: user.id, invited_by: c.get('user')!.id }] : [];
          }
          const token = generateToken();
          links.push({ email: row.email, url: resetLink(c, body.locale, token), expires_at: expires });
          // A random, unusable password: the account opens only through its reset link. (Hashing
          // thousands of throw-away passwords with Argon2id would take minutes for nothing.)
          return [
            {
              kind: 'new',
              email: row.email,
              full_name: row.full_name,
              role: row.role,
              locale: body.locale,
              password_hash: `!imported:${generateToken()}`,
              reset_hash: hashToken(token),
              reset_expires_at: expires,
            },
          ];
        });
        let result: { created: number; added: number; invited: number };
        try {
          result = await repo.importMembers(deps.storage, cohort.id, writes, now.toISOString());
        } catch (e) {
          // Someone enrolled or registered the same email meanwhile: the whole import was rolled back.
          if (isUniqueViolation(e))
            throw new AppError(
              409,
              'conflict',
              'the cohort or the accounts changed while importing; nothing was imported, run the import again',
            );
          throw e;
        }
        await auditRepo(deps.db).record({
          event: 'user.created',
          actor_id: c.get('user')!.id,
          target: `cohort:${cohort.id}`,
          details: { via: 'csv-import', created: result.created, added: result.added, invited: result.invited },
          ip: clientIp(c),
        });
        // For instructors, existing accounts are counted as invited whatever they are (see above).
        const invited = admin ? 0 : plan.length - result.created;
        return c.json({
          ...report,
          written: true,
          created: result.created,
          added: result.added,
          invited,
          reset_links: links,
        });
      },
    );
}
