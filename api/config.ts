import path from 'node:path';
import { z } from 'zod';

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
  /** Megabytes of the built site (with its Brotli and gzip copies) held in memory; the rest is read from disk. */
  STATIC_CACHE_MB: z.coerce.number().min(0).max(4096).default(64),
});

export type Env = z.output<typeof envSchema>;

export function readEnv(env: NodeJS.ProcessEnv = process.env): Env & { dbFile: string } {
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
    })
    .safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...r.data, dbFile: r.data.DB_FILE ?? path.join(r.data.DATA_DIR, 'oberih.sqlite') };
}
