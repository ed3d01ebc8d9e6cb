import { z } from 'zod';

/** The locales every course, page and UI string exists in. Ukrainian is the first (default) locale. */
export const LOCALES = ['uk', 'en'] as const;
export const localeSchema = z.enum(LOCALES);
export type Locale = z.output<typeof localeSchema>;
export const DEFAULT_LOCALE: Locale = 'uk';

/** A stable identifier used in URLs, the database and SCORM: lower-case letters, digits and hyphens. */
export const idSchema = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lower-case letters, digits and single hyphens (e.g. "first-response")');

/** A non-empty, trimmed piece of text. */
export const textSchema = z.string().trim().min(1, 'must not be empty');

/** The same text in every locale: `{ uk: "…", en: "…" }`. Both are required. */
export const localizedTextSchema = z.object({ uk: textSchema, en: textSchema }).strict();
export type LocalizedText = z.output<typeof localizedTextSchema>;

/** A list of texts per locale (e.g. learning outcomes). */
export const localizedListSchema = z
  .object({ uk: z.array(textSchema).min(1), en: z.array(textSchema).min(1) })
  .strict();

/** A bibliographic reference: what a statement is based on. */
export const referenceSchema = z
  .object({
    /** Full citation as it should be printed, e.g. "WHO (2022). What works to prevent online violence against children." */
    text: textSchema,
    /** Optional public address of the source. */
    url: z.string().url().optional(),
  })
  .strict();
export type Reference = z.output<typeof referenceSchema>;
