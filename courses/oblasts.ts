/**
 * Ukraine's first-level units (24 oblasts, AR Crimea, Kyiv, Sevastopol) as authored data
 * (`content/data/oblasts.yaml`), with its source. Pure: the caller reads the file.
 */
import { z } from 'zod';
import { parseYamlWith } from './parse.ts';

/** Two digits: the region number that opens the unit's KATOTTH codes (`UA46…` → `46`). */
export const oblastCode = z.string().regex(/^\d{2}$/, 'a two-digit KATOTTH region code, e.g. 46');

const oblastSchema = z
  .object({
    code: oblastCode,
    /** The unit's full first-level code: `UA` + its region number + 15 digits. */
    katotth: z.string().regex(/^UA\d{17}$/, 'a KATOTTH code: UA and 17 digits'),
    uk: z.string().min(1),
    en: z.string().min(1),
  })
  .strict()
  .refine((o) => o.katotth.slice(2, 4) === o.code, { message: 'katotth must start with UA + code', path: ['katotth'] });

export const oblastsFileSchema = z
  .object({
    source: z
      .object({
        title: z.object({ uk: z.string().min(1), en: z.string().min(1) }).strict(),
        url: z.string().url(),
        /** The edition (date) of the Codifier the list was checked against. */
        edition: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date like 2026-12-04'),
      })
      .strict(),
    oblasts: z
      .array(oblastSchema)
      .length(27, 'exactly 27 units: 24 oblasts, AR Crimea, Kyiv and Sevastopol')
      .refine((l) => new Set(l.map((o) => o.code)).size === l.length, 'codes must be unique'),
  })
  .strict();

export type Oblast = z.output<typeof oblastSchema>;
export type OblastsFile = z.output<typeof oblastsFileSchema>;

export const OBLASTS_FILE = 'content/data/oblasts.yaml';

export function parseOblasts(text: string, file = OBLASTS_FILE): OblastsFile {
  return parseYamlWith(oblastsFileSchema, text, file);
}
