/** The one description of the database's tables, used by every typed query. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'cadet' | 'officer' | 'instructor' | 'admin';
export const ROLES: readonly Role[] = ['cadet', 'officer', 'instructor', 'admin'];
export const LEARNER_ROLES: readonly Role[] = ['cadet', 'officer'];

/** Times are ISO-8601 UTC strings; SQLite sorts them correctly as text. */
type Timestamp = string;

export interface UsersTable {
  id: Generated<number>;
  email: string;
  full_name: string;
  role: Role;
  password_hash: string;
  locale: 'uk' | 'en';
  active: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  /** Set when the person's data was erased on request; the row stays so certificates stay verifiable. */
  erased_at: Timestamp | null;
  /** TOTP secret (base32, RFC 6238); set at enrolment, in use once `totp_enabled_at` is set. */
  totp_secret: ColumnType<string | null, string | null | undefined, string | null>;
  totp_enabled_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** The last 30-second step whose code was accepted: a code works once. */
  totp_last_step: ColumnType<number | null, number | null | undefined, number | null>;
}

export interface RecoveryCodesTable {
  /** SHA-256 of the code, hex: the code itself is shown once and never stored. */
  code_hash: string;
  user_id: number;
  used_at: Timestamp | null;
}

export interface SessionsTable {
  /** SHA-256 of the session token, hex. The token itself is never stored. */
  id: string;
  user_id: number;
  expires_at: Timestamp;
  /** Sign-in time: the session ends 30 days after it whatever happens (absolute lifetime). */
  created_at: Timestamp;
  /** When the session last proved the password (sign-in or re-authentication). */
  reauth_at: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_id: number | null;
  event: string;
  target: string | null;
  /** JSON with non-secret details (never passwords, tokens or answer keys). */
  details: string | null;
  ip: string | null;
}

export interface CohortsTable {
  id: Generated<number>;
  name: string;
  unit: string;
  starts_on: string | null;
  ends_on: string | null;
  owner_id: number;
  created_at: Timestamp;
  /** Set when the cohort was deleted: hidden from everyone, restorable by an admin for 30 days. */
  archived_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

/** An existing learner account invited into a cohort by CSV import; it joins only when the learner accepts. */
export interface CohortInvitationsTable {
  id: Generated<number>;
  cohort_id: number;
  user_id: number;
  invited_by: number | null;
  created_at: Timestamp;
  accepted_at: Timestamp | null;
}

export interface CohortMembersTable {
  cohort_id: number;
  user_id: number;
  joined_at: Timestamp;
}

export interface CohortCoursesTable {
  cohort_id: number;
  course_id: string;
  due_on: string | null;
  /** When the course was assigned (ISO); learner records from before it stay out of the cohort's views. */
  assigned_at: Generated<string>;
}

export interface EnrolmentCodesTable {
  /** SHA-256 of the code, hex. */
  code_hash: string;
  /** First characters of the code, for instructors to tell codes apart. */
  hint: string;
  cohort_id: number;
  role: Role;
  expires_at: Timestamp | null;
  max_seats: number | null;
  used_seats: ColumnType<number, number | undefined, number>;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface ProgressEventsTable {
  id: Generated<number>;
  /** Client-generated id: the server stores each event once however often it is retried. */
  client_id: string;
  user_id: number;
  course_id: string;
  module_id: string;
  kind: 'viewed' | 'completed' | 'practice';
  /** Practice score 0–100 for `practice` events. */
  score: number | null;
  occurred_at: Timestamp;
  received_at: Timestamp;
}

export interface AttemptsTable {
  id: string;
  user_id: number;
  course_id: string;
  content_version: string;
  locale: 'uk' | 'en';
  /** JSON array of drawn question ids with their option order. */
  questions: string;
  started_at: Timestamp;
  deadline_at: Timestamp | null;
  submitted_at: Timestamp | null;
  score: number | null;
  passed: number | null;
  /** Who finished it: the learner (submit) or the server at the deadline (scored from `attempt_saves`). */
  finished_by: 'learner' | 'deadline' | null;
  /** A submission that arrived after the deadline: counts only once the cohort's instructor accepts it. */
  late_status: 'pending' | 'accepted' | 'rejected' | null;
  late_submitted_at: Timestamp | null;
  /** Evidence: time from receiving the attempt to pressing submit, by the device's own clock. */
  late_elapsed_ms: number | null;
  /** JSON { questionId: response } (authored ids) of the late submission. */
  late_responses: string | null;
  late_score: number | null;
  late_reviewed_by: number | null;
  late_reviewed_at: Timestamp | null;
}

/** Answers saved during an attempt, before it is submitted (last write wins per question). */
export interface AttemptSavesTable {
  attempt_id: string;
  question_id: string;
  /** JSON of the response (authored ids). */
  response: string;
  saved_at: Timestamp;
}

export interface AttemptResponsesTable {
  attempt_id: string;
  question_id: string;
  /** JSON of the learner's response. */
  response: string;
  /** 0..1 */
  score: number;
}

export interface CompletionsTable {
  id: Generated<number>;
  user_id: number;
  course_id: string;
  content_version: string;
  attempt_id: string | null;
  score: number | null;
  completed_at: Timestamp;
}

export interface CertificatesTable {
  code: string;
  user_id: number;
  completion_id: number;
  course_id: string;
  content_version: string;
  name_printed: string;
  score: number | null;
  issued_at: Timestamp;
  expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  revoked_reason: string | null;
  signature: string;
  /** Code of the certificate that replaced this one (a renewal); the old one stays verifiable as superseded. */
  superseded_by: ColumnType<string | null, string | null | undefined, string | null>;
  superseded_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** One email to send (db/repos/email-outbox.ts); the outbox worker sends it. */
export interface EmailOutboxTable {
  id: Generated<number>;
  to_address: string;
  /** The account it is for, so erasure deletes it; null for an address without an account. */
  user_id: number | null;
  /** What it is, e.g. `follow-up.reminder`, `certificate.expiry`, `consultation.reply`. */
  kind: string;
  locale: ColumnType<'uk' | 'en', 'uk' | 'en' | undefined, 'uk' | 'en'>;
  subject: string;
  body_text: string;
  /** Unique: queuing the same message twice keeps one row. */
  dedupe_key: string;
  created_at: Timestamp;
  /** Not sent before this time (back-off after a failure moves it on). */
  send_after: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  /** A worker has claimed it until this time; another may take it after. */
  claimed_until: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** Given up after the last retry. */
  failed_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

/** The tool's RS256 signing keys for LTI (api/lti/keys.ts). JWKs as JSON text. */
export interface LtiToolKeysTable {
  kid: string;
  private_jwk: string;
  public_jwk: string;
  created_at: Timestamp;
  /** Replaced by a newer key; still published until the overlap has passed. */
  retired_at: Timestamp | null;
}

/** A platform (a Moodle site) registered with the tool. */
export interface LtiRegistrationsTable {
  id: Generated<number>;
  name: string;
  issuer: string;
  client_id: string;
  /** JSON array of the deployment ids launches may carry. */
  deployment_ids: string;
  auth_url: string;
  token_url: string;
  jwks_url: string;
  /** The role an account created for a platform learner gets. */
  learner_role: ColumnType<'cadet' | 'officer', 'cadet' | 'officer' | undefined, 'cadet' | 'officer'>;
  enabled: ColumnType<number, number | undefined, number>;
  source: 'dynamic' | 'manual';
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface LtiRegistrationLinksTable {
  /** SHA-256 of the token in the registration URL, hex. */
  token_hash: string;
  learner_role: 'cadet' | 'officer';
  created_by: number | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface LtiLaunchStatesTable {
  state: string;
  nonce: string;
  registration_id: number;
  /** JSON of the login initiation's parameters (to restart it in a new window). */
  login_params: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface LtiNoncesTable {
  registration_id: number;
  nonce: string;
  expires_at: Timestamp;
}

export interface LtiAccountsTable {
  issuer: string;
  sub: string;
  user_id: number;
  registration_id: number;
  created_at: Timestamp;
}

export interface LtiContextsTable {
  id: Generated<number>;
  registration_id: number;
  context_id: string;
  title: string;
  cohort_id: number;
  /** The NRPS context memberships URL from the last instructor launch. */
  nrps_url: string | null;
  /** The roster should be fetched (set by an instructor launch). */
  roster_due: ColumnType<number, number | undefined, number>;
  roster_synced_at: Timestamp | null;
  roster_error: string | null;
  created_at: Timestamp;
}

export interface LtiGradeLinksTable {
  id: Generated<number>;
  registration_id: number;
  user_id: number;
  /** The learner's `sub` on the platform (the AGS score's userId). */
  lti_sub: string;
  course_id: string;
  /** What the link scores: the whole course, one module, or the final assessment. */
  kind: 'course' | 'module' | 'assessment';
  lineitem_url: string;
  context_id: number | null;
  created_at: Timestamp;
}

export interface LtiScoreOutboxTable {
  id: Generated<number>;
  grade_link_id: number;
  user_id: number;
  /** JSON of the AGS score (scoreGiven, scoreMaximum, activityProgress, gradingProgress, timestamp, userId). */
  payload: string;
  dedupe_key: string;
  created_at: Timestamp;
  send_after: Timestamp;
  attempts: ColumnType<number, number | undefined, number>;
  claimed_until: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  sent_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  failed_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
}

export interface LtiTicketsTable {
  token_hash: string;
  kind: 'deep_link' | 'continue';
  registration_id: number;
  user_id: number | null;
  payload: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  cohorts: CohortsTable;
  cohort_members: CohortMembersTable;
  cohort_invitations: CohortInvitationsTable;
  cohort_courses: CohortCoursesTable;
  enrolment_codes: EnrolmentCodesTable;
  progress_events: ProgressEventsTable;
  attempts: AttemptsTable;
  attempt_responses: AttemptResponsesTable;
  attempt_saves: AttemptSavesTable;
  completions: CompletionsTable;
  certificates: CertificatesTable;
  password_resets: PasswordResetsTable;
  recovery_codes: RecoveryCodesTable;
  email_outbox: EmailOutboxTable;
  lti_tool_keys: LtiToolKeysTable;
  lti_registrations: LtiRegistrationsTable;
  lti_registration_links: LtiRegistrationLinksTable;
  lti_launch_states: LtiLaunchStatesTable;
  lti_nonces: LtiNoncesTable;
  lti_accounts: LtiAccountsTable;
  lti_contexts: LtiContextsTable;
  lti_grade_links: LtiGradeLinksTable;
  lti_score_outbox: LtiScoreOutboxTable;
  lti_tickets: LtiTicketsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type Cohort = Selectable<CohortsTable>;
export type ProgressEvent = Selectable<ProgressEventsTable>;
export type NewProgressEvent = Insertable<ProgressEventsTable>;
export type Attempt = Selectable<AttemptsTable>;
export type Completion = Selectable<CompletionsTable>;
export type Certificate = Selectable<CertificatesTable>;
