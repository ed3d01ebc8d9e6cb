import path from 'node:path';
import fs from 'node:fs';
import { z } from 'zod';
import { checkPostgresUrl } from '../db/postgres/connection.ts';

/** Every environment variable the server reads (documented in README → Configuration). */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4321),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DB_FILE: z.string().optional(),
  CONTENT_DIR: z.string().default('./content'),
  SITE_DIR: z.string().default('./dist/site'),
  PUBLIC_URL: z.string().url().optional(),
  TRUSTED_ORIGINS: z.string().default(''),
  SECURE_COOKIES: z.enum(['auto', 'always']).default('auto'),
  BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(['info', 'warn', 'error', 'silent']).default('info'),
  NODE_ENV: z.string().default('development'),
  /** `NORMAL` only for benchmarking the unsafe ceiling; production keeps FULL. */
  DB_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
  GROUP_COMMIT_MS: z.coerce.number().min(0).max(50).default(2),
  BACKUP_INTERVAL: z.coerce.number().min(0).default(0),
  BACKUP_KEEP: z.coerce.number().int().min(1).default(7),
  SKIP_BUILD: z.enum(['0', '1']).default('0'),
  /** Certificate look-ups per minute per address on `GET /api/verify/:code` (the benchmark raises it). */
  VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).default(60),
  TRUST_PROXY: z.enum(['0', '1']).default('0'),
  /** Progress events per minute per learner, after a burst of 1,000 (the benchmark raises it). */
  PROGRESS_RATE_LIMIT: z.coerce.number().int().min(1).default(300),
  /** Progress events kept per learner and module. */
  PROGRESS_MODULE_QUOTA: z.coerce.number().int().min(1).default(2000),
  /** `0`: never seed the demo accounts, not even into an empty database (production never seeds). */
  SEED_DEMO: z.enum(['0', '1']).default('1'),
  /** Days an audit_log row is kept; older rows are deleted daily. */
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).default(365),
  /** Certificate signing key (Ed25519 PKCS#8 PEM, or base64); default: a key file generated in DATA_DIR. */
  CERT_SIGNING_KEY: z.string().optional(),
  /** Days a closed consultation thread is kept before the daily job deletes it (issue #24). */
  CONSULTATION_RETENTION_DAYS: z.coerce.number().int().min(1).default(180),
  /** Key that encrypts consultation texts (32 bytes, base64); default: a key file generated in DATA_DIR. */
  CONSULTATION_KEY: z.string().optional(),
  /**
   * `1`: the LTI tool may contact platforms on http:// and on loopback or private addresses (a
   * development or test platform). Off by default; honoured only with NODE_ENV=development or test set (docs/lti.md).
   */
  LTI_ALLOW_PRIVATE_URLS: z.enum(['0', '1']).default('0'),
  /** Key that encrypts the LTI tool's private keys in the database (32 bytes, base64); default: a key file in DATA_DIR. */
  LTI_KEY_ENCRYPTION_KEY: z.string().optional(),
  /** Megabytes of the built site (with its Brotli and gzip copies) held in memory; the rest is read from disk. */
  STATIC_CACHE_MB: z.coerce.number().min(0).max(4096).default(64),
  /** `postgres://user:password@host:5432/database`: PostgreSQL instead of the SQLite file (docs/operations.md). */
  DATABASE_URL: z.string().trim().optional(),
  /** Optional read replica for reports, exports, item analysis and certificate look-ups. */
  DATABASE_READ_URL: z.string().trim().optional(),
  /** Connections each API process opens to PostgreSQL at most (per URL). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(1000).default(10),
  /** A statement running longer is cancelled by PostgreSQL (0: no limit). */
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(15_000),
  /**
   * PostgreSQL: `on` keeps validated sessions in memory, kept correct across instances by LISTEN/NOTIFY
   * (docs/architecture.md); `off` reads every request's session from the database.
   */
  DATABASE_SESSION_CACHE: z.enum(['on', 'off']).default('on'),
  /** CA certificate file that signs the PostgreSQL server's certificate (with `sslmode=verify-full`). */
  PGSSLROOTCERT: z.string().optional(),
  /** API processes on this machine (node:cluster), PostgreSQL only. */
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  /**
   * Worker threads for reports, each with its own connection (db/report-worker.ts), on both engines;
   * `0` runs them in the server's process. More than one only helps with a core free for each.
   */
  REPORT_WORKER: z.coerce.number().int().min(0).max(8).default(1),
  /** Reports waiting for their turn before more are refused with 503 (db/report-runner.ts). */
  REPORT_QUEUE: z.coerce.number().int().min(1).max(1000).default(32),
  /** A report not ready after this many ms is given up with 503 (its worker is restarted). */
  REPORT_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** SMTP server for the email outbox (`smtp://user:pass@host:587`, `smtps://…:465`); unset: messages wait in the admin pages. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'expected smtp://[user:pass@]host[:port] or smtps://…')
    .optional(),
  /** The sender of every email, e.g. `Oberih <noreply@oberih.example.ua>`. */
  EMAIL_FROM: z.string().min(3).default('Oberih <noreply@localhost>'),
  /** Send attempts per message before it is marked failed (back-off doubles from one minute). */
  EMAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  /** Seconds between outbox worker passes. */
  EMAIL_POLL_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
});

export type Env = z.output<typeof envSchema>;

/** Check a database URL setting; the message names the setting and what to write instead. */
function checkDbUrl(value: string, setting: string, ctx: z.RefinementCtx) {
  try {
    checkPostgresUrl(value, setting);
  } catch (e) {
    // checkPostgresUrl's message starts with the setting's name; the path names it already.
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      path: [setting],
      message: (e as Error).message.replace(new RegExp(`^${setting} (is )?`), ''),
    });
  }
}

/**
 * The URL the pool connects with: `PGSSLROOTCERT` becomes `sslrootcert` when the URL names none (pg reads
 * the file; libpq tools read the variable themselves).
 */
function withRootCert(url: string | undefined, rootCert: string | undefined): string | null {
  if (!url) return null;
  if (!rootCert) return url;
  const u = new URL(url);
  if (!u.searchParams.has('sslrootcert')) u.searchParams.set('sslrootcert', rootCert);
  return u.toString();
}

export interface DatabaseSettings {
  /** PostgreSQL URL (with `PGSSLROOTCERT` folded in), or null for the SQLite file. */
  databaseUrl: string | null;
  databaseReadUrl: string | null;
}

/** `readEnv`, or the one-line error on stderr and exit code 2 (the start command and the CLI). */
export function readEnvOrExit(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof readEnv> {
  try {
    return readEnv(env);
  } catch (e) {
    console.error(`error: ${(e as Error).message}`);
    process.exit(2); // EXIT_BAD_SETTING (api/start-checks.ts)
  }
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env & { dbFile: string } & DatabaseSettings {
  // In production, reset, set-up and certificate links must never be built from the request's Host header.
  const r = envSchema
    .superRefine((e, ctx) => {
      if (e.NODE_ENV === 'production' && !e.PUBLIC_URL)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['PUBLIC_URL'],
          message:
            'required with NODE_ENV=production (links in emails and QR codes are built from it, never from the Host header)',
        });
      // NODE_ENV as set, not its default: a host that never set it is not assumed to be a developer's.
      if (e.LTI_ALLOW_PRIVATE_URLS === '1' && env.NODE_ENV !== 'development' && env.NODE_ENV !== 'test')
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['LTI_ALLOW_PRIVATE_URLS'],
          message: 'only with NODE_ENV=development or test: it lets a platform make the server call its own network',
        });
      if (e.DATABASE_URL) checkDbUrl(e.DATABASE_URL, 'DATABASE_URL', ctx);
      if (e.DATABASE_READ_URL) {
        if (!e.DATABASE_URL)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: ['DATABASE_READ_URL'],
            message: 'needs DATABASE_URL (the primary) as well: a read replica serves only with a PostgreSQL primary',
          });
        else checkDbUrl(e.DATABASE_READ_URL, 'DATABASE_READ_URL', ctx);
      }
      if (e.PGSSLROOTCERT && !fs.existsSync(e.PGSSLROOTCERT))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['PGSSLROOTCERT'],
          message: `no file at ${e.PGSSLROOTCERT}: give the path of the CA certificate that signed the server's certificate`,
        });
      if (e.WORKERS > 1 && !e.DATABASE_URL)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['WORKERS'],
          message: `${e.WORKERS} needs PostgreSQL: the SQLite file takes one server process; unset WORKERS (or WORKERS=1), or set DATABASE_URL=postgres://…`,
        });
    })
    .safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    // One problem: one line, naming the setting. Several: one line each.
    throw new Error(
      lines.length === 1 ? `Invalid configuration: ${lines[0]}` : `Invalid configuration:\n  ${lines.join('\n  ')}`,
    );
  }
  return {
    ...r.data,
    dbFile: r.data.DB_FILE ?? path.join(r.data.DATA_DIR, 'oberih.sqlite'),
    databaseUrl: withRootCert(r.data.DATABASE_URL || undefined, r.data.PGSSLROOTCERT),
    databaseReadUrl: withRootCert(r.data.DATABASE_READ_URL || undefined, r.data.PGSSLROOTCERT),
  };
}
