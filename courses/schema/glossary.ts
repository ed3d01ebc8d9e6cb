import { z } from 'zod';
import { idSchema, localizedTextSchema } from './common.ts';

/** One glossary term, shared by all courses. */
export const termSchema = z
  .object({
    /** Term id used by `<Term id="…">`. */
    id: idSchema,
    /** The term as printed, per locale. */
    term: localizedTextSchema,
    /** A plain definition (one to three sentences), per locale. */
    definition: localizedTextSchema,
    /** Where the definition comes from (e.g. "Luxembourg Terminology Guidelines, 2016"). */
    source: z.string().trim().min(1).optional(),
  })
  .strict();

/** `content/glossary/<name>.yaml`: a list of terms; files are merged, ids must be unique across them. */
export const glossaryFileSchema = z.object({ terms: z.array(termSchema).min(1) }).strict();
export type Term = z.output<typeof termSchema>;
