/** Every migration, by name. Names are date-prefixed so they sort in the order they were written. */
import type { Migration } from 'kysely';
import * as initial from './2026-11-29T0001-initial.ts';
import * as instructorReports from './2026-11-29T0600-instructor-reports.ts';
import * as progressDropRedundantIndex from './2026-11-29T1200-progress-drop-redundant-index.ts';
import * as integrityServerClock from './2026-12-04T1000-integrity-server-clock.ts';
import * as cyclesCertificateSupersession from './2026-12-04T1100-cycles-certificate-supersession.ts';
import * as authSessionReauth from './2026-12-04T1200-auth-session-reauth.ts';
import * as authTotp from './2026-12-04T1201-auth-totp.ts';
import * as secDataInvitationsArchive from './2026-12-04T1300-sec-data-invitations-archive.ts';
import * as cohortCourseAssignedAt from './2026-12-04T1400-cohort-course-assigned-at.ts';
import * as programmeRoles from './2026-12-04T2000-programme-roles.ts';
import * as emailOutbox from './2026-12-04T2001-email-outbox.ts';
import * as programmeOrganisations from './2026-12-04T2200-programme-organisations.ts';
import * as signingKeys from './2026-12-04T2500-signing-keys.ts';
import * as evaluation from './2026-12-04T2300-evaluation.ts';
import * as consultation from './2026-12-04T2400-consultation-support.ts';
import * as lti from './2026-12-04T2100-lti.ts';
import * as ltiAccountsPerRegistration from './2026-12-05T0100-lti-accounts-per-registration.ts';
import * as sessionCacheNotify from './2026-12-05T0200-session-cache-notify.ts';

export const migrations: Record<string, Migration> = {
  '2026-11-29T0001-initial': initial,
  '2026-11-29T0600-instructor-reports': instructorReports,
  '2026-11-29T1200-progress-drop-redundant-index': progressDropRedundantIndex,
  '2026-12-04T1000-integrity-server-clock': integrityServerClock,
  '2026-12-04T1100-cycles-certificate-supersession': cyclesCertificateSupersession,
  '2026-12-04T1200-auth-session-reauth': authSessionReauth,
  '2026-12-04T1201-auth-totp': authTotp,
  '2026-12-04T1300-sec-data-invitations-archive': secDataInvitationsArchive,
  '2026-12-04T1400-cohort-course-assigned-at': cohortCourseAssignedAt,
  '2026-12-04T2000-programme-roles': programmeRoles,
  '2026-12-04T2001-email-outbox': emailOutbox,
  '2026-12-04T2100-lti': lti,
  '2026-12-04T2200-programme-organisations': programmeOrganisations,
  '2026-12-04T2300-evaluation': evaluation,
  '2026-12-04T2400-consultation-support': consultation,
  '2026-12-04T2500-signing-keys': signingKeys,
  '2026-12-05T0100-lti-accounts-per-registration': ltiAccountsPerRegistration,
  '2026-12-05T0200-session-cache-notify': sessionCacheNotify,
};
