import { z } from 'zod';
import { idSchema, localizedListSchema, localizedTextSchema } from './common.ts';

/** Who a course is written for. */
export const audienceSchema = z.enum(['initial', 'in-service', 'prevention']);
export type Audience = z.output<typeof audienceSchema>;

/**
 * How much of a graded attempt the learner sees after submitting (see `courses/review-policy.ts`):
 * `none`; `score-only`; `after-submit` (answers at once: only for a single attempt, or the key leaks
 * to the next one); `after-pass` (answers once passed); `after-final` (score and per-module counts,
 * answers once passed or out of attempts).
 */
export const reviewPolicySchema = z.enum(['none', 'score-only', 'after-submit', 'after-pass', 'after-final']);
export type ReviewPolicy = z.output<typeof reviewPolicySchema>;

/** Settings of the course's graded final assessment (its questions live in `assessment.yaml`). */
export const assessmentSettingsSchema = z
  .object({
    /** How many questions are drawn from the pool for one attempt (stratified by module). */
    questions: z.number().int().min(1).max(200),
    /** Time limit in minutes, enforced by the server; omit for no limit. */
    timeLimitMinutes: z.number().int().min(1).max(600).optional(),
    /** How many attempts a learner may make; omit for unlimited. */
    maxAttempts: z.number().int().min(1).max(50).optional(),
    /** What the learner sees after submitting. @defaultValue 'after-final' */
    review: reviewPolicySchema.default('after-final'),
  })
  .strict()
  .superRefine((a, ctx) => {
    // Answers after every attempt hand the key to the next attempt (issue #18).
    if (a.review === 'after-submit' && a.maxAttempts !== 1)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['review'],
        message: `review "after-submit" shows the answers while attempts remain (maxAttempts ${a.maxAttempts ?? 'unlimited'}): use "after-final", or maxAttempts: 1`,
      });
  });

/** `content/courses/<slug>/course.yaml`: everything about a course except its pages and questions. */
export const courseSchema = z
  .object({
    /** The course id; must equal the folder name. */
    id: idSchema,
    /** Content version, printed on certificates and stored with every completion (e.g. "1.0.0"). */
    version: z.string().regex(/^\d+\.\d+(\.\d+)?$/, 'use a version like "1.0" or "1.0.0"'),
    /** Who the course is for. */
    audience: audienceSchema,
    /** Course title per locale. */
    title: localizedTextSchema,
    /** One or two sentences for the catalogue, per locale. */
    summary: localizedTextSchema,
    /** What the learner can do after the course, per locale. */
    outcomes: localizedListSchema,
    /** Content note shown before the course starts (the topic is distressing), per locale. */
    contentNote: localizedTextSchema,
    /** Module ids in study order; each has `<locale>/<NN>-<id>.mdx` in every locale. */
    modules: z.array(idSchema).min(1).max(100),
    /** Estimated study time for the whole course, in minutes. */
    estimatedMinutes: z.number().int().min(1).max(6000),
    /** Percentage needed to pass the final assessment (0–100). */
    passMark: z.number().min(0).max(100),
    /** Months a certificate stays valid; `null` when it never expires. */
    certificateValidityMonths: z.number().int().min(1).max(120).nullable(),
    /** Final assessment settings; omit for a course without a graded assessment. */
    assessment: assessmentSettingsSchema.optional(),
    /**
     * Percentage a module's practice quiz must reach before the module counts as completed (mastery rule,
     * checked on the server from stored `practice` events). @defaultValue 80
     */
    practiceMark: z.number().min(0).max(100).default(80),
    /**
     * Minimum study time per module, in minutes, before a module counts as completed (measured on the
     * server from stored `viewed` heartbeats). Modules not listed default to a third of their estimated
     * `minutes` (rounded down, at least 1). Keys are module ids.
     */
    minMinutes: z.record(idSchema, z.number().int().min(0).max(600)).default({}),
    /**
     * Days before a certificate expires when its renewal cycle opens: attempts are counted afresh and a
     * pass issues a new certificate. Only meaningful with `certificateValidityMonths`. @defaultValue 60
     */
    renewalWindowDays: z.number().int().min(1).max(365).default(60),
  })
  .strict()
  .superRefine((course, ctx) => {
    const seen = new Set<string>();
    course.modules.forEach((id, i) => {
      if (seen.has(id))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['modules', i], message: `duplicate module id "${id}"` });
      seen.add(id);
    });
    for (const id of Object.keys(course.minMinutes))
      if (!course.modules.includes(id))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['minMinutes', id],
          message: `unknown module "${id}"; expected one of ${course.modules.join(', ')}`,
        });
  });

export type CourseInput = z.input<typeof courseSchema>;
export type Course = z.output<typeof courseSchema>;
