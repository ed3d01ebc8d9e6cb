import type { Catalog } from '../courses/catalog.ts';
import type SQLite from 'better-sqlite3';
import type { DB } from '../db/connection.ts';
import type { GroupCommitter } from '../db/group-commit.ts';
import type { BackgroundCheckpointer } from '../db/checkpointer.ts';
import type { Logger } from './log.ts';
import type { RateLimiter } from './middleware/rate-limit.ts';
import type { ProgressLimits } from './middleware/progress-quota.ts';
import type { LoginThrottle } from './auth/login-throttle.ts';
import type { MfaChallenges } from './auth/mfa-challenges.ts';
import type { CertificateSigner } from './certificates/keys.ts';
import type { SessionCache } from './auth/session-cache.ts';

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
  /** How long the LTI tool waits for a platform (JWKS, token, AGS, NRPS, registration), ms; default 10 s. */
  ltiTimeoutMs?: number;
}

export interface Deps {
  db: DB;
  /** The raw connection behind `db`, for synchronous batched writes. */
  sqlite: SQLite.Database;
  /** Durable writes that arrive together share one commit. */
  writer: GroupCommitter;
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
  /** Validated sessions in memory (api/auth/session-cache.ts); bootstrap always sets it. */
  sessionCache?: SessionCache;
  /** Ed25519 key that signs certificates (api/certificates/keys.ts); bootstrap always sets it. */
  certificateSigner?: CertificateSigner;
  /** WAL checkpoints on a worker thread (db/checkpointer.ts), when bootstrap was asked for it. */
  checkpointer?: BackgroundCheckpointer | null;
  /** Where `npm run export:scorm` wrote the packages instructors download (default `dist/scorm`). */
  scormDir?: string;
}
