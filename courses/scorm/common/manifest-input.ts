/** What both manifest builders need to know about a package. */
import { z } from 'zod';

export const manifestInputSchema = z.object({
  /** Unique package identifier, an XML NCName (e.g. `oberih-initial-online-abuse-uk`). */
  identifier: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be an XML NCName'),
  /** Course title in the package's locale. */
  title: z.string().min(1),
  /** Content version (manifest `version`). */
  version: z.string().min(1),
  /** Language of the package (`uk` or `en`). */
  language: z.enum(['uk', 'en']),
  /** The launch page, relative to the package root. */
  launch: z.string().min(1),
  /** Every file of the SCO (pages, scripts, styles, images), relative paths with `/`. */
  files: z.array(z.string().min(1)).min(1),
  /** The XSD files shipped at the package root (listed as an asset resource). */
  schemaFiles: z.array(z.string().min(1)),
  /** Pass mark 0–100, or null for a course without a graded assessment. */
  passMark: z.number().min(0).max(100).nullable(),
});
export type ManifestInput = z.input<typeof manifestInputSchema>;
