import { z } from 'zod';
import { idSchema, referenceSchema, textSchema } from './common.ts';

/** Frontmatter of a module page `content/courses/<slug>/<locale>/<NN>-<id>.mdx`. */
export const moduleFrontmatterSchema = z
  .object({
    /** Module id, the same in every locale and listed in `course.yaml` → `modules`. */
    id: idSchema,
    /** Module title in this page's locale. */
    title: textSchema,
    /** Short description for the course overview. */
    description: textSchema.optional(),
    /** Learning outcomes (exactly what the learner will be able to do), usually 3. */
    outcomes: z.array(textSchema).min(1).max(8),
    /** Estimated study time in minutes. */
    minutes: z.number().int().min(1).max(600),
    /** Sources the module actually uses, printed at its end. */
    references: z.array(referenceSchema).default([]),
  })
  .strict();

export type ModuleFrontmatter = z.output<typeof moduleFrontmatterSchema>;

/** Module file names: two digits, a hyphen, the module id, `.mdx` (e.g. `01-forms-of-abuse.mdx`). */
export const MODULE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.mdx$/;

/**
 * Frontmatter of a printable lesson plan `content/courses/<slug>/<locale>/plans/<module-id>.mdx`
 * (45-minute session plans that prevention officers print and take into a school).
 */
export const lessonPlanFrontmatterSchema = z
  .object({
    /** Id of the module the plan belongs to (the file name without `.mdx`). */
    module: idSchema,
    /** Plan title in this page's locale. */
    title: textSchema,
    /** Age group, e.g. "6–9". */
    ages: z.string().regex(/^\d{1,2}[–-]\d{1,2}$/, 'an age range like "6–9"'),
    /** Length of the session in minutes. @defaultValue 45 */
    minutes: z.number().int().min(10).max(180).default(45),
  })
  .strict();
export type LessonPlanFrontmatter = z.output<typeof lessonPlanFrontmatterSchema>;
