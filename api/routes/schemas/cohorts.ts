/** Response schemas of cohorts, enrolment codes, members, imports and invitations. */
import { z } from 'zod';
import { day, Localized, named, role, timestamp } from './common.ts';

export const Cohort = named(
  'Cohort',
  z
    .object({
      id: z.number().int(),
      name: z.string(),
      unit: z.string().describe('University or unit'),
      starts_on: day.nullable(),
      ends_on: day.nullable(),
      owner_id: z.number().int(),
      created_at: timestamp,
      archived_at: timestamp.nullable(),
    })
    .strict(),
);
export const CohortSummary = named(
  'CohortSummary',
  z
    .object({
      id: z.number().int(),
      name: z.string(),
      unit: z.string(),
      starts_on: day.nullable(),
      ends_on: day.nullable(),
      owner_id: z.number().int(),
      created_at: timestamp,
      owner_name: z.string(),
      members: z.number().int(),
      courses: z.number().int(),
      completions: z.number().int(),
    })
    .strict(),
);
export const CohortList = z.object({ cohorts: z.array(CohortSummary) }).strict();
export const CohortOne = z.object({ cohort: Cohort }).strict();

/** An enrolment code as instructors see it: never the code itself, only its hint and id. */
export const EnrolmentCode = named(
  'EnrolmentCode',
  z
    .object({
      id: z.string().describe('First 16 hex digits of the code’s hash'),
      hint: z.string().describe('The code’s first characters'),
      cohort_id: z.number().int(),
      role,
      expires_at: timestamp.nullable(),
      max_seats: z.number().int().nullable(),
      used_seats: z.number().int(),
      revoked_at: timestamp.nullable(),
      created_at: timestamp,
    })
    .strict(),
);
const courseInfo = {
  title: Localized.optional(),
  modules: z.number().int().optional(),
  assessment: z.boolean().optional(),
};
export const CohortCourse = named(
  'CohortCourse',
  z.object({ course_id: z.string(), due_on: day.nullable(), assigned_at: timestamp, ...courseInfo }).strict(),
);
export const CohortDetail = z
  .object({
    cohort: Cohort,
    members: z.number().int(),
    courses: z.array(CohortCourse),
    codes: z.array(EnrolmentCode),
    catalog: z
      .array(
        z
          .object({ id: z.string(), title: Localized, audience: z.enum(['initial', 'in-service', 'prevention']) })
          .strict(),
      )
      .describe('Courses that can be assigned'),
  })
  .strict();
export const CohortArchived = z.object({ ok: z.literal(true), restorable_until: timestamp }).strict();
export const CourseAssigned = z
  .object({ course: z.object({ course_id: z.string(), due_on: day.nullable(), ...courseInfo }).strict() })
  .strict();
export const CodeCreated = z
  .object({
    code: z.string().describe('The code itself: shown this once, only its hash is stored'),
    enrolment_code: EnrolmentCode,
  })
  .strict();
export const CodeList = z.object({ codes: z.array(EnrolmentCode) }).strict();
export const Member = named(
  'Member',
  z
    .object({
      id: z.number().int(),
      full_name: z.string(),
      email: z.string(),
      role,
      active: z.number().int(),
      joined_at: timestamp,
    })
    .strict(),
);
export const MemberList = z.object({ members: z.array(Member) }).strict();

const importRow = z
  .object({
    line: z.number().int(),
    full_name: z.string(),
    email: z.string(),
    role: z.string(),
    account: z.enum(['new', 'existing']).optional().describe('Admins only'),
  })
  .strict();
const rejectedRow = z
  .object({ line: z.number().int(), full_name: z.string(), email: z.string(), code: z.string(), reason: z.string() })
  .strict();
export const ImportReport = named(
  'ImportReport',
  z
    .object({
      dry_run: z.boolean(),
      delimiter: z.string(),
      total: z.number().int(),
      valid: z.number().int(),
      new_accounts: z.number().int().optional(),
      accepted: z.array(importRow),
      rejected: z.array(rejectedRow),
      written: z.boolean(),
      created: z.number().int().optional(),
      added: z.number().int().optional(),
      invited: z.number().int().optional(),
      reset_links: z
        .array(z.object({ email: z.string(), url: z.string(), expires_at: timestamp }).strict())
        .optional()
        .describe('Set-up links of new accounts (hand them out; shown this once)'),
    })
    .strict(),
);

export const InvitationList = z
  .object({
    invitations: z.array(
      z
        .object({
          id: z.number().int(),
          created_at: timestamp,
          cohort_id: z.number().int(),
          cohort_name: z.string(),
          unit: z.string(),
          instructor: z.string(),
        })
        .strict(),
    ),
  })
  .strict();
export const InvitationAccepted = z.object({ ok: z.literal(true), cohort_id: z.number().int() }).strict();

export const COHORT_EXAMPLE: z.input<typeof CohortOne> = {
  cohort: {
    id: 7,
    name: 'Курсанти 2026, група 3',
    unit: 'Національна академія внутрішніх справ',
    starts_on: '2026-09-01',
    ends_on: '2026-12-20',
    owner_id: 12,
    created_at: '2026-08-25T09:00:00.000Z',
    archived_at: null,
  },
};
