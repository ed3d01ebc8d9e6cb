/**
 * Response schemas shared by several resources (the API contract: api/contract.ts). A schema named
 * with `named()` is hoisted into the OpenAPI document's `components/schemas` under that stable name.
 */
import { z, type ZodTypeAny } from 'zod';
import { ROLES } from '../../../db/schema.ts';
import { localeField } from '../fields.ts';

const NAMES = new Map<unknown, string>();
const SCHEMAS = new Map<string, ZodTypeAny>();

/** Give a response schema a stable name in `components/schemas` (the generated client's type name). */
export function named<S extends ZodTypeAny>(name: string, schema: S): S {
  const other = SCHEMAS.get(name);
  if (other && other !== schema) throw new Error(`two response schemas are named ${name}`);
  NAMES.set(schema._def, name);
  SCHEMAS.set(name, schema);
  return schema;
}
/** The component name of a zod definition, if its schema was named. */
export const nameOfDef = (def: unknown) => NAMES.get(def);
/** The schema of a component name. */
export const namedSchema = (name: string) => SCHEMAS.get(name);

/** An ISO 8601 timestamp as the API writes them (UTC, e.g. `2026-11-29T10:00:00.000Z`). */
export const timestamp = z.string().describe('ISO 8601 date-time');
/** A calendar day, `YYYY-MM-DD`. */
export const day = z.string().describe('YYYY-MM-DD');
export const role = z.enum(ROLES as [string, ...string[]]);
export const locale = localeField;

export const Ok = named('Ok', z.object({ ok: z.literal(true) }).strict());

/** The signed-in person, as sign-in and `GET /api/me` answer. */
export const SessionUser = named(
  'SessionUser',
  z
    .object({
      id: z.number().int(),
      email: z.string(),
      full_name: z.string(),
      role,
      locale,
      mfa: z.boolean().describe('A second factor (TOTP) is switched on'),
    })
    .strict(),
);

/** An account as sign-in and enrolment answer it. */
export const UserRef = named(
  'UserRef',
  z.object({ id: z.number().int(), email: z.string(), full_name: z.string(), role, locale: z.string() }).strict(),
);

/** An account as administrators see it (never its password hash). */
export const AdminUser = named(
  'AdminUser',
  z
    .object({
      id: z.number().int(),
      email: z.string(),
      full_name: z.string(),
      role,
      locale: z.string(),
      active: z.number().int().describe('1 active, 0 deactivated'),
      created_at: timestamp,
    })
    .strict(),
);

/** A text in both languages. */
export const Localized = named('Localized', z.object({ uk: z.string(), en: z.string() }).strict());
