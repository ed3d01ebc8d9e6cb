/**
 * `content/courses/<slug>/evaluation.yaml`: the course's built-in evaluation (Kirkpatrick levels 1–3),
 * authored next to the course. See docs/evaluation.md.
 * - `reaction` (level 1): four 5-point items (relevance, clarity, confidence, workload) and one free-text
 *   question, answered once at the end of the course and stored without the learner's id;
 * - `pretest` (level 2): a pool of its own, drawn before module 1 and scored on the server like the
 *   final (which is the post-test); its keys never reach the browser, and it must not share an item
 *   with the final's pool (courses/pool-rules.ts, rule `pretest-overlap`);
 * - `followUp` (level 3): `afterDays` after completion, per course outcome "used in the last month:
 *   never / once / several times", what got in the way, and a free-text question.
 */
import { z } from 'zod';
import { idSchema, localizedTextSchema, textSchema } from './common.ts';
import { questionSchema } from './question.ts';

/** The four reaction items every course asks, in this order. */
export const REACTION_ITEMS = ['relevance', 'clarity', 'confidence', 'workload'] as const;
export type ReactionItem = (typeof REACTION_ITEMS)[number];

/** Answers to "used in the last month" for each course outcome. */
export const USAGE_LEVELS = ['never', 'once', 'several'] as const;
export type UsageLevel = (typeof USAGE_LEVELS)[number];

/** The reaction scale: always 1–5 (the statistics and the programme report assume 5 points). */
export const SCALE_MIN = 1;
export const SCALE_MAX = 5;

const scaleEnd = (which: 'min' | 'max', value: number) =>
  z.number({ required_error: 'required' }).refine((v) => v === value, {
    message: `the reaction scale runs from ${SCALE_MIN} to ${SCALE_MAX}: "${which}" must be ${value}`,
  });

const scaleSchema = z
  .object({
    /** Always 1. */
    min: scaleEnd('min', SCALE_MIN),
    /** Always 5. */
    max: scaleEnd('max', SCALE_MAX),
    /** The five labels from 1 to 5, per locale (e.g. "strongly disagree" … "strongly agree"). */
    labels: z
      .object({
        uk: z.array(textSchema).length(SCALE_MAX - SCALE_MIN + 1, 'give exactly 5 labels, for points 1 to 5'),
        en: z.array(textSchema).length(SCALE_MAX - SCALE_MIN + 1, 'give exactly 5 labels, for points 1 to 5'),
      })
      .strict(),
  })
  .strict();

const reactionItemSchema = z
  .object({
    /** Which of the four items this is. */
    id: z.enum(REACTION_ITEMS),
    /** The statement the learner rates, per locale. */
    uk: textSchema,
    en: textSchema,
  })
  .strict();

const reactionSchema = z
  .object({
    scale: scaleSchema,
    /** The four items, each exactly once. */
    items: z.array(reactionItemSchema),
    /** The free-text question (optional to answer). */
    comment: localizedTextSchema,
  })
  .strict()
  .superRefine((r, ctx) => {
    for (const id of REACTION_ITEMS) {
      const n = r.items.filter((i) => i.id === id).length;
      if (n !== 1)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['items'],
          message: `item "${id}" must appear exactly once (found ${n}); the items are ${REACTION_ITEMS.join(', ')}`,
        });
    }
  });

const pretestSchema = z
  .object({
    /** How many questions one pre-test draws (stratified by module, like the final). */
    questions: z.number().int().min(3).max(40),
    /** The pre-test's own pool; contains answer keys, read only by the server and the content check. */
    pool: z.array(questionSchema).min(3),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.pool.forEach((q, i) => {
      if (seen.has(q.id))
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['pool', i, 'id'], message: `duplicate id "${q.id}"` });
      seen.add(q.id);
    });
    if (p.pool.length < p.questions)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['pool'],
        message: `the pool has ${p.pool.length} questions but "questions" draws ${p.questions}`,
      });
  });

const barrierSchema = z
  .object({
    /** Stable id, stored with the answer. */
    id: idSchema,
    uk: textSchema,
    en: textSchema,
  })
  .strict();

const followUpSchema = z
  .object({
    /** Days after completion when the follow-up opens (and the reminder goes). @defaultValue 90 */
    afterDays: z.number().int().min(14).max(365).default(90),
    /** Days after opening that it stays open. @defaultValue 90 */
    openDays: z.number().int().min(7).max(365).default(90),
    /** Introduction shown above the questions, per locale. */
    intro: localizedTextSchema,
    /** "What got in the way" options (several may be chosen). */
    barriers: z.array(barrierSchema).min(2).max(12),
    /** The free-text question (optional to answer). */
    comment: localizedTextSchema,
  })
  .strict()
  .superRefine((f, ctx) => {
    const seen = new Set<string>();
    f.barriers.forEach((b, i) => {
      if (seen.has(b.id))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['barriers', i, 'id'],
          message: `duplicate id "${b.id}"`,
        });
      seen.add(b.id);
    });
  });

export const evaluationFileSchema = z
  .object({
    reaction: reactionSchema,
    pretest: pretestSchema,
    followUp: followUpSchema,
  })
  .strict();

export type EvaluationFile = z.output<typeof evaluationFileSchema>;
export type Reaction = EvaluationFile['reaction'];
export type FollowUp = EvaluationFile['followUp'];
export type Pretest = EvaluationFile['pretest'];
