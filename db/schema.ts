/** The one description of the database's tables, used by every typed query. */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Role = 'cadet' | 'officer' | 'specialist' | 'instructor' | 'coordinator' | 'supervisor' | 'admin';
export const ROLES: readonly Role[] = [
  'cadet',
  'officer',
  'specialist',
  'instructor',
  'coordinator',
  'supervisor',
  'admin',
];
/** Roles that take courses: cadets, serving officers, and the service providers the programme trains. */
export const LEARNER_ROLES = ['cadet', 'officer', 'specialist'] as const satisfies readonly Role[];
export type LearnerRole = (typeof LEARNER_ROLES)[number];
export const isLearnerRole = (r: string): r is LearnerRole => (LEARNER_ROLES as readonly string[]).includes(r);
/** Kinds of organisation a cohort belongs to (issue #23). */
export const ORGANISATION_KINDS = ['university', 'police_unit', 'childrens_service', 'school', 'ngo'] as const;
export type OrganisationKind = (typeof ORGANISATION_KINDS)[number];

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
  /** The organisation the cohort belongs to (null only for cohorts an admin has not placed yet). */
  organisation_id: ColumnType<number | null, number | null | undefined, number | null>;
}

/** A university, police unit, children's service, school or NGO in one oblast (content/data/oblasts.yaml). */
export interface OrganisationsTable {
  id: Generated<number>;
  kind: OrganisationKind;
  name_uk: string;
  name_en: string;
  /** Two-digit first-level KATOTTH code of the oblast, e.g. `46` (Lviv oblast). */
  oblast_code: string;
  created_at: Timestamp;
}

/** What a coordinator may see: one row per oblast, or one row `national`. */
export interface CoordinatorScopesTable {
  user_id: number;
  /** A two-digit oblast code, or `national`. */
  scope: string;
  created_at: Timestamp;
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
  /** The learner's role at issue (cadet, officer, specialist), printed on the certificate; null before issue #23. */
  role_printed: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
}

/** One email to send (db/repos/email-outbox.ts); the outbox worker sends it. */
/** Private signing keys shared by every instance (PostgreSQL deployments; see api/certificates/shared-key.ts). */
export interface SigningKeysTable {
  purpose: string;
  /** PKCS#8 PEM. Secret: never logged, never exported. */
  private_key: string;
  created_at: Timestamp;
}

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

/** A learner's pre-test for a course (docs/evaluation.md): one per learner and course. */
export interface EvaluationPretestsTable {
  user_id: number;
  course_id: string;
  content_version: string;
  locale: 'uk' | 'en';
  /** JSON array of drawn question ids with their option order (like `attempts.questions`). */
  questions: string;
  started_at: Timestamp;
  submitted_at: ColumnType<Timestamp | null, Timestamp | null | undefined, Timestamp | null>;
  /** 0–100, scored by courses/scoring.ts. */
  score: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Who has answered a course's reaction or follow-up questionnaire: no time, no link to the answer. */
export interface EvaluationMarksTable {
  user_id: number;
  course_id: string;
}

/** One anonymous reaction answer: cohort, course and month only. */
export interface EvaluationReactionsTable {
  /** Random (UUID): carries no order. */
  id: string;
  cohort_id: number | null;
  course_id: string;
  /** YYYY-MM: no day, no time. */
  month: string;
  relevance: number;
  clarity: number;
  confidence: number;
  workload: number;
  comment: string | null;
}

/** One anonymous follow-up answer: cohort, course and month only. */
export interface EvaluationFollowupsTable {
  id: string;
  cohort_id: number | null;
  course_id: string;
  month: string;
  /** JSON array: per course outcome (by index) 'never' | 'once' | 'several'. */
  usage: string;
  /** JSON array of barrier ids. */
  barriers: string;
  comment: string | null;
}

/** A supervisor's scope (issue #24): which topics and oblasts they answer, and whether they are a psychologist. */
export interface SupervisorProfilesTable {
  user_id: number;
  /** 1: may take wellbeing requests (the only staff who ever read them). */
  psychologist: number;
  /** JSON array of topic ids (content/consultation/topics.yaml). */
  topics: string;
  /** JSON array of oblast codes (courses/oblast-iso.ts); `["ALL"]` for the whole country. */
  oblasts: string;
  updated_at: Timestamp;
}

export type ConsultationStatus = 'open' | 'claimed' | 'closed';
export type ConsultationRating = 'helped' | 'partly' | 'not_helped';

/** A consultation request. Its text lives in `consultation_messages`, encrypted (api/consultation/cipher.ts). */
export interface ConsultationsTable {
  id: Generated<number>;
  requester_id: number;
  topic: string;
  urgency: 'routine' | 'urgent';
  oblast: string;
  course_id: string | null;
  module_id: string | null;
  /** 1 for the officer's own wellbeing: only psychologist supervisors may take and read it. */
  wellbeing: number;
  status: ConsultationStatus;
  supervisor_id: number | null;
  created_at: Timestamp;
  /** When the first answer is due (24 h urgent, 3 working days routine). */
  due_at: Timestamp;
  claimed_at: Timestamp | null;
  first_response_at: Timestamp | null;
  closed_at: Timestamp | null;
  rating: ConsultationRating | null;
  /** Set when the overdue notification was queued (once per request). */
  overdue_notified_at: Timestamp | null;
}

export interface ConsultationMessagesTable {
  id: Generated<number>;
  consultation_id: number;
  author_id: number | null;
  /** AES-256-GCM ciphertext of the text (`v1.<iv>.<tag>.<data>`, base64url); the key is never in the database. */
  body_enc: string;
  /** 1 when the writer confirmed that what the identifying-data check flagged is not about a child. */
  identifying_confirmed: number;
  created_at: Timestamp;
}

/** A de-identified case note written from a closed consultation; public only after a second supervisor approves. */
export interface CaseNotesTable {
  id: Generated<number>;
  author_id: number | null;
  /** The consultation it came from (never shown); null once that thread is deleted. */
  consultation_id: number | null;
  topic: string;
  course_id: string | null;
  module_id: string | null;
  locale: 'uk' | 'en';
  title: string;
  body: string;
  status: 'pending' | 'returned' | 'published';
  reviewer_id: number | null;
  review_comment: string | null;
  reviewed_at: Timestamp | null;
  created_at: Timestamp;
  published_at: Timestamp | null;
}

export interface SupervisionSessionsTable {
  id: Generated<number>;
  supervisor_id: number | null;
  title: string;
  starts_at: Timestamp;
  duration_minutes: number;
  format: 'online' | 'in_person';
  /** The address or the meeting link. */
  place: string;
  capacity: number;
  oblast: string;
  created_at: Timestamp;
  cancelled_at: Timestamp | null;
  reminder_sent_at: Timestamp | null;
}

export interface SupervisionSignupsTable {
  session_id: number;
  user_id: number;
  created_at: Timestamp;
  /** null until recorded; 1 attended, 0 absent. */
  attended: number | null;
}

/** In-app notifications (the header bell). No content: the kind and the record it points at. */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: number;
  kind:
    | 'consultation.reply'
    | 'consultation.claimed'
    | 'consultation.overdue'
    | 'session.reminder'
    | 'session.cancelled'
    | 'case_note.review';
  consultation_id: number | null;
  session_id: number | null;
  case_note_id: number | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
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
  organisations: OrganisationsTable;
  coordinator_scopes: CoordinatorScopesTable;
  signing_keys: SigningKeysTable;
  evaluation_pretests: EvaluationPretestsTable;
  evaluation_reaction_marks: EvaluationMarksTable;
  evaluation_followup_marks: EvaluationMarksTable;
  evaluation_reactions: EvaluationReactionsTable;
  evaluation_followups: EvaluationFollowupsTable;
  supervisor_profiles: SupervisorProfilesTable;
  consultations: ConsultationsTable;
  consultation_messages: ConsultationMessagesTable;
  case_notes: CaseNotesTable;
  supervision_sessions: SupervisionSessionsTable;
  supervision_signups: SupervisionSignupsTable;
  notifications: NotificationsTable;
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
export type Organisation = Selectable<OrganisationsTable>;
