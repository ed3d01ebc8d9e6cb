import { z } from 'zod';
import { idSchema, localizedTextSchema } from './common.ts';

/** One article (or section) of a legal act that course pages may cite. */
const articleSchema = z
  .object({
    /** Article number as written in the act (e.g. "156-1", "226", "9"). */
    number: z.string().regex(/^[0-9]+(-[0-9]+)?$/, 'an article number like "156" or "156-1"'),
    /** Article heading per locale (the official title, quoted as the act words it). */
    title: localizedTextSchema,
    /**
     * Date (YYYY-MM-DD) on which the heading was last compared with a published text of the act. Optional
     * here so test fixtures stay small; `scripts/content-checks/sources.ts` requires it for real content.
     */
    checkedAt: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like "2026-12-04"')
      .optional(),
  })
  .strict();

/** A statute or convention cited with `<LegalRef act="…" article="…" />`. */
const actSchema = z
  .object({
    /** Act id used by `LegalRef` (e.g. "cc" for the Criminal Code of Ukraine). */
    id: idSchema,
    /** Short name per locale (e.g. "КК України" / "Criminal Code of Ukraine"). Required where the act is first defined. */
    short: localizedTextSchema.optional(),
    /** Full official name per locale. Required where the act is first defined. */
    title: localizedTextSchema.optional(),
    /** Where the current text is published. Required where the act is first defined. */
    url: z.string().url().optional(),
    /** Articles that may be cited. */
    articles: z.array(articleSchema).default([]),
  })
  .strict();

/**
 * `content/legal/<name>.yaml`: acts. Files are merged: an act is defined once (with short, title, url)
 * and another file may list the same act id with only more `articles`.
 */
export const legalFileSchema = z.object({ acts: z.array(actSchema).min(1) }).strict();
export type LegalActEntry = z.output<typeof actSchema>;
export type LegalAct = Required<LegalActEntry>;
