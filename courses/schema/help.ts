import { z } from 'zod';
import { localizedTextSchema } from './common.ts';

/** One contact on the help page: a hotline, portal or service. */
const contactSchema = z
  .object({
    /** Name of the service per locale. */
    name: localizedTextSchema,
    /** What it is for, per locale. */
    description: localizedTextSchema,
    /** Phone number(s) as dialled, e.g. "116 111". */
    phone: z.array(z.string().regex(/^[0-9 +]{3,20}$/)).default([]),
    /** Web address. */
    url: z.string().url().optional(),
  })
  .strict();

/** `content/help/contacts.yaml`: the help and reporting page. */
export const helpSchema = z
  .object({
    /** Where children, families and officers report abuse and find help. */
    reporting: z.array(contactSchema).min(1),
    /** Support for officers affected by distressing material and cases. */
    officers: z
      .object({
        intro: localizedTextSchema,
        advice: z.object({ uk: z.array(z.string()).min(1), en: z.array(z.string()).min(1) }).strict(),
        contacts: z.array(contactSchema).default([]),
      })
      .strict(),
  })
  .strict();
export type Help = z.output<typeof helpSchema>;
