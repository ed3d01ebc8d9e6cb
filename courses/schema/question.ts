import { z } from 'zod';
import { idSchema, localizedTextSchema, textSchema } from './common.ts';

/** Texts of a question in one locale. */
const questionTextSchema = z
  .object({
    /** The question as the learner reads it. */
    stem: textSchema,
    /** Why the right answer is right, shown after answering (practice) or in the review (graded). */
    explanation: textSchema,
    /** Overall feedback: shown when the answer is fully correct / not fully correct. */
    feedback: z.object({ correct: textSchema.optional(), incorrect: textSchema.optional() }).strict().optional(),
    /** Unit shown after a numeric input (e.g. "years"). Only for `numeric`. */
    unit: textSchema.optional(),
  })
  .strict();

/** One option of a `single` or `multiple` question. */
const choiceOptionSchema = z
  .object({
    /** Option id, unique within the question (e.g. "a"). Used in responses and SCORM interactions. */
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/, 'option ids use a–z, 0–9, "_" or "-" (max 40)'),
    /** Whether choosing this option is right. */
    correct: z.boolean().default(false),
    /** Option text and its specific feedback per locale. */
    uk: z.object({ text: textSchema, feedback: textSchema.optional() }).strict(),
    en: z.object({ text: textSchema, feedback: textSchema.optional() }).strict(),
  })
  .strict();

/** One pair of a `matching` question: a prompt and the answer that belongs to it. */
const matchPairSchema = z
  .object({
    /** Pair id, unique within the question. */
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
    uk: z.object({ prompt: textSchema, match: textSchema }).strict(),
    en: z.object({ prompt: textSchema, match: textSchema }).strict(),
  })
  .strict();

/** One item of an `ordering` question. */
const orderItemSchema = z
  .object({
    /** Item id, unique within the question. */
    id: z.string().regex(/^[a-z0-9_-]{1,40}$/),
    uk: textSchema,
    en: textSchema,
  })
  .strict();

/** Fields every question has. */
const base = {
  /** Question id, unique within the course; the same id in both locales. */
  id: idSchema,
  /** Id of the module the question belongs to (used to stratify graded draws). */
  module: idSchema,
  /** Free tags for item analysis and search. */
  tags: z.array(idSchema).default([]),
  /** Weight of the question in an attempt. @defaultValue 1 */
  weight: z.number().positive().max(100).default(1),
  /** Source of the explanation (statute, guideline, report with year), per locale. */
  reference: localizedTextSchema,
  /** Texts in Ukrainian. */
  uk: questionTextSchema,
  /** Texts in English. */
  en: questionTextSchema,
};

/**
 * A question. Scoring rules (see `courses/scoring.ts`):
 * - `single`, `true-false`, `numeric`, `text`: 1 or 0.
 * - `multiple`: partial credit = (right options chosen − wrong options chosen) ÷ right options, never below 0.
 * - `matching`: share of prompts matched correctly.
 * - `ordering`: share of items in their correct position.
 */
export const questionSchema = z
  .discriminatedUnion('type', [
    z.object({ ...base, type: z.literal('single'), options: z.array(choiceOptionSchema).min(2).max(12) }).strict(),
    z.object({ ...base, type: z.literal('multiple'), options: z.array(choiceOptionSchema).min(2).max(12) }).strict(),
    z.object({ ...base, type: z.literal('true-false'), /** The correct answer. */ answer: z.boolean() }).strict(),
    z.object({ ...base, type: z.literal('matching'), pairs: z.array(matchPairSchema).min(2).max(10) }).strict(),
    z
      .object({
        ...base,
        type: z.literal('ordering'),
        /** Items in their correct order. */ items: z.array(orderItemSchema).min(2).max(10),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('numeric'),
        /** The correct value. */
        answer: z.number().finite(),
        /** Accepted absolute deviation from `answer`. @defaultValue 0 */
        tolerance: z.number().min(0).default(0),
      })
      .strict(),
    z
      .object({
        ...base,
        type: z.literal('text'),
        /** Accepted answers per locale. Compared after trimming and folding inner white space. */
        accepted: z.object({ uk: z.array(textSchema).min(1), en: z.array(textSchema).min(1) }).strict(),
        /** Whether letter case matters. @defaultValue false */
        caseSensitive: z.boolean().default(false),
      })
      .strict(),
  ])
  .superRefine((q, ctx) => {
    const ids =
      q.type === 'single' || q.type === 'multiple'
        ? q.options.map((o) => o.id)
        : q.type === 'matching'
          ? q.pairs.map((p) => p.id)
          : q.type === 'ordering'
            ? q.items.map((i) => i.id)
            : [];
    const key = q.type === 'matching' ? 'pairs' : q.type === 'ordering' ? 'items' : 'options';
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [key, i, 'id'],
          message: `duplicate id "${id}" in question "${q.id}"`,
        });
      seen.add(id);
    });
    if (q.type === 'single') {
      const n = q.options.filter((o) => o.correct).length;
      if (n !== 1)
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['options'],
          message: `a "single" question needs exactly one correct option, "${q.id}" has ${n}`,
        });
    }
    if (q.type === 'multiple' && !q.options.some((o) => o.correct)) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['options'],
        message: `question "${q.id}" has no correct option`,
      });
    }
  });

export type QuestionInput = z.input<typeof questionSchema>;
export type Question = z.output<typeof questionSchema>;
export type QuestionType = Question['type'];

/** A list of questions: a practice quiz (`practice/<id>.yaml`) or a graded pool (`assessment.yaml`). */
export const questionSetSchema = z
  .object({
    /** The questions; ids must be unique in the file. */
    questions: z.array(questionSchema).min(1),
  })
  .strict()
  .superRefine((set, ctx) => {
    const seen = new Set<string>();
    set.questions.forEach((q, i) => {
      if (seen.has(q.id))
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['questions', i, 'id'],
          message: `duplicate question id "${q.id}"`,
        });
      seen.add(q.id);
    });
  });
export type QuestionSet = z.output<typeof questionSetSchema>;

/**
 * `assessment.yaml`: the platform's graded pool and, optionally, a separate pool for SCORM packages.
 * A SCORM package is scored in the browser, so its keys ship inside it: it must never carry the
 * platform's pool. Without `scormPool` a course's SCORM package has no graded assessment.
 */
export const assessmentFileSchema = z
  .object({
    /** The platform's graded pool (drawn and scored on the server only). */
    questions: z.array(questionSchema).min(1),
    /** Questions for the SCORM export only; ids and stems must not repeat the platform pool's. */
    scormPool: z.array(questionSchema).min(1).optional(),
  })
  .strict()
  .superRefine((file, ctx) => {
    for (const key of ['questions', 'scormPool'] as const) {
      const seen = new Set<string>();
      (file[key] ?? []).forEach((q, i) => {
        if (seen.has(q.id))
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [key, i, 'id'],
            message: `duplicate question id "${q.id}"`,
          });
        seen.add(q.id);
      });
    }
  });
export type AssessmentFile = z.output<typeof assessmentFileSchema>;

/**
 * A learner's response to one question, by type:
 * single → option id; multiple → option ids; true-false → boolean; matching → { promptPairId: matchedPairId };
 * ordering → item ids in the learner's order; numeric → number; text → string.
 */
export const responseSchema = z.union([
  z.string().max(2000),
  z.array(z.string().max(40)).max(20),
  z.boolean(),
  z.number().finite(),
  z.record(z.string().max(40), z.string().max(40)),
]);
export type Response = z.output<typeof responseSchema>;
