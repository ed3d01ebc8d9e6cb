import type { Catalog } from '../courses/catalog.ts';
import type { DB } from '../db/connection.ts';
import type { SessionCachePort, Storage } from '../db/storage.ts';
import type { Logger } from './log.ts';
import type { RateLimiter } from './middleware/rate-limit.ts';
import type { ProgressLimits } from './middleware/progress-quota.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { MfaChallenges } from './auth/mfa-challenges.ts';
import type { CertificateSigner } from './certificates/keys.ts';
import type { SessionUser } from './auth/session.ts';
import type { ReportRunner } from '../db/report-runner.ts';
import type { ContentCipher } from './consultation/cipher.ts';

export interface Config {
  /** Origins allowed to make cookie-authenticated state changes besides the request's own (from PUBLIC_URL). */
  trustedOrigins: string[];
  /** Public address used in QR codes and links, e.g. https://oberih.example.ua */
  publicUrl: string | null;
  /** Set Secure on cookies even when the request looks like plain HTTP (behind a TLS proxy). */
  secureCookies: boolean;
  /** Largest accepted request body, bytes. */
  bodyLimit: number;
  production: boolean;
  /** Behind a reverse proxy: believe the last X-Forwarded-For hop and X-Forwarded-Proto. */
  trustProxy?: boolean;
  /** Progress ingestion quotas per learner (api/middleware/progress-quota.ts); defaults there. */
  progressQuota?: ProgressLimits;
  /** Admins must have a second factor before any admin route answers (on in production). */
  requireAdminMfa?: boolean;
  /** Days a closed consultation thread is kept (`CONSULTATION_RETENTION_DAYS`, default 180). */
  consultationRetentionDays?: number;
  /**
   * Check every answer against its route's declared response (api/contract.ts): on in tests and
   * development, off in production (no cost there).
   */
  checkResponses?: boolean;
  /** An SMTP server is configured (`SMTP_URL`): the outbox worker sends (api/email/outbox-worker.ts). */
  smtp?: boolean;
  /** How long the LTI tool waits for a platform (JWKS, token, AGS, NRPS, registration), ms; default 10 s. */
  ltiTimeoutMs?: number;
  /**
   * `LTI_ALLOW_PRIVATE_URLS=1`: the LTI tool may contact http:// URLs and loopback or private addresses
   * (a development or test platform on 127.0.0.1). Off by default; never in production (api/lti/safe-url.ts).
   */
  ltiAllowPrivateUrls?: boolean;
}

export interface Deps {
  /** The primary database (`storage.db`): queries through repositories. */
  db: DB;
  /** The engine behind the repositories (db/storage.ts): durable write jobs, the read replica, the change feed. */
  storage: Storage;
  catalog: Catalog;
  config: Config;
  log: Logger;
  now: () => Date;
  limits: {
    login: LoginThrottle;
    verify: RateLimiter;
    redeem: RateLimiter;
    /** Password reset attempts per address. */
    reset: RateLimiter;
    /** Re-authentication checks per account. */
    reauth: RateLimiter;
    /** Second-factor codes per account (sign-in step, enrolment). */
    totp: RateLimiter;
    /** One audit row per event and key per window for unauthenticated noise (failed and limited sign-ins). */
    auditOnce: RateLimiter;
  };
  /** Sign-ins waiting for their second factor. */
  mfaChallenges: MfaChallenges;
  /** Validated sessions in memory (db/sqlite/session-cache.ts): SQLite only; none on PostgreSQL. */
  sessionCache?: SessionCachePort<SessionUser> | null;
  /** Ed25519 key that signs certificates (api/certificates/keys.ts); bootstrap always sets it. */
  certificateSigner?: CertificateSigner;
  /** Where cohort reports, item analysis and CSV exports run (db/report-runner.ts); bootstrap always sets it. */
  reports?: ReportRunner;
  /** Encrypts consultation texts at rest (api/consultation/cipher.ts); bootstrap always sets it. */
  consultationCipher?: ContentCipher;
  /** Encrypts the LTI tool's private keys at rest (api/lti/key-cipher.ts); bootstrap always sets it. */
  ltiKeyCipher?: ContentCipher;
  /** Where `npm run export:scorm` wrote the packages instructors download (default `dist/scorm`). */
  scormDir?: string;
}
