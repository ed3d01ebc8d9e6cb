/** Response schemas of administration: users, backups, privacy (export, erasure), SCORM packages. */
import { z } from 'zod';
import { AdminUser, named, timestamp } from './common.ts';

export const UserList = z.object({ users: z.array(AdminUser) }).strict();

/** One account after an admin created or changed it: never its password hash or TOTP secret. */
export const AdminUserDetail = named(
  'AdminUserDetail',
  AdminUser.extend({
    erased_at: timestamp.nullable(),
    totp_enabled_at: timestamp.nullable().describe('When the second factor was switched on'),
  }).strict(),
);
export const UserOne = z.object({ user: AdminUserDetail }).strict();
export const ResetLink = z
  .object({ url: z.string().describe('Give it to the person; it works once'), expires_at: timestamp })
  .strict();

const rows = z.array(z.record(z.unknown()));
/** Everything held about one person (GDPR-style access request), as a JSON download. */
export const PersonExport = named(
  'PersonExport',
  z
    .object({
      exported_at: timestamp,
      account: AdminUserDetail.describe('The account, without its password hash or TOTP secret'),
      cohorts: rows,
      cohort_invitations: rows,
      progress_events: rows,
      attempts: rows,
      completions: rows,
      certificates: rows,
      evaluation: z
        .object({ pretests: rows, answered_reaction: z.array(z.string()), answered_follow_up: z.array(z.string()) })
        .strict()
        .describe('Pre-tests, and which anonymous questionnaires were answered (never the answers: they hold no id)'),
      emails: rows.describe('Emails queued for the person: kind, subject and times'),
      sessions: rows,
      consultations: rows.describe(
        'Consultation requests without their text; a wellbeing one as `{ id, confidential: true }` only',
      ),
      supervision_sessions: rows,
      lti_links: z
        .array(
          z.object({ issuer: z.string(), registration: z.string(), sub: z.string(), created_at: timestamp }).strict(),
        )
        .describe(
          "Learning platforms (LTI) the person signs in through: the platform's issuer, its registration's name and the person's id there",
        ),
      security_log: rows,
    })
    .strict(),
);
export const Erased = z.object({ erased: z.literal(true), user: z.number().int() }).strict();

export const ScormPackages = z
  .object({
    packages: z.array(
      z
        .object({
          file: z.string(),
          course: z.string(),
          locale: z.string(),
          version: z.enum(['1.2', '2004']),
          bytes: z.number().int(),
          exported_at: timestamp,
          url: z.string(),
        })
        .strict(),
    ),
    hint: z.string().nullable(),
  })
  .strict();

export const Health = z.object({ status: z.literal('ok'), time: timestamp }).strict();
