/** The authored data of consultations (content/consultation/*.yaml), validated with zod. */
import { z } from 'zod';
import { idSchema, localizedTextSchema, textSchema } from '../schema/common.ts';

export const topicsFileSchema = z
  .object({
    /** Where the list comes from. */
    source: textSchema,
    topics: z
      .array(
        z
          .object({
            /** Stable id stored with each request, e.g. `child-interview`. */
            id: idSchema,
            title: localizedTextSchema,
            /** The officer's own wellbeing: only psychologist supervisors take and read it. */
            wellbeing: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1)
      .refine((ts) => new Set(ts.map((t) => t.id)).size === ts.length, 'topic ids must be unique'),
  })
  .strict();
export type Topic = z.output<typeof topicsFileSchema>['topics'][number];

const isoDate = z
  .union([z.string(), z.date()])
  .transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD'));

export const holidaysFileSchema = z
  .object({
    /** The statute the list follows. */
    source: textSchema,
    holidays: z.array(z.object({ date: isoDate, name: localizedTextSchema }).strict()),
  })
  .strict();
export type Holiday = z.output<typeof holidaysFileSchema>['holidays'][number];
