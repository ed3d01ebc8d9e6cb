/**
 * Organisations and oblasts: the oblast list (authored data with its source), organisations that
 * admins manage (a cohort belongs to one), and coordinators' scopes (admins assign them).
 */
import { z } from 'zod';
import { oblastCode } from '../../courses/oblasts.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { NATIONAL, organisationsRepo } from '../../db/repos/organisations.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { ORGANISATION_KINDS } from '../../db/schema.ts';
import { AppError, notFound } from '../errors.ts';
import { oblastByCode, oblasts } from '../programme/oblasts.ts';
import { Resource } from '../route.ts';
import { clientIp } from './auth.ts';
import { idParam } from './fields.ts';

const ADMIN = ['admin'] as const;
const orgName = z.string().trim().min(2, 'at least 2 characters').max(200, 'at most 200 characters');
/** An oblast code that is in content/data/oblasts.yaml. */
export const knownOblast = oblastCode.refine((c) => !!oblastByCode(c), 'not one of the 27 codes in the oblast list');

export const organisationBody = z
  .object({
    kind: z.enum(ORGANISATION_KINDS),
    name_uk: orgName,
    name_en: orgName,
    oblast_code: knownOblast,
  })
  .strict();
export const organisationPatch = organisationBody
  .partial()
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'send at least one of kind, name_uk, name_en, oblast_code');
export const scopesBody = z
  .object({
    /** Oblast codes, or ["national"] for the whole country. */
    scopes: z
      .array(z.union([z.literal(NATIONAL), knownOblast]))
      .max(27, 'at most 27 scopes')
      .refine((s) => new Set(s).size === s.length, 'no scope twice')
      .refine((s) => !s.includes(NATIONAL) || s.length === 1, '"national" already covers every oblast: send it alone'),
  })
  .strict();

const oblastSchema = z.object({ code: z.string(), katotth: z.string(), uk: z.string(), en: z.string() });
const organisationSchema = z.object({
  id: z.number(),
  kind: z.enum(ORGANISATION_KINDS),
  name_uk: z.string(),
  name_en: z.string(),
  oblast_code: z.string(),
  created_at: z.string(),
});
const organisationListSchema = z.object({
  organisations: z.array(organisationSchema.extend({ cohorts: z.number() })),
});

export function oblastRoutes() {
  return new Resource('/api/oblasts', 'programme').route(
    {
      method: 'get',
      path: '/',
      summary:
        "Ukraine's 24 oblasts, AR Crimea, Kyiv and Sevastopol (first-level KATOTTH codes) with the list's source",
      access: 'authenticated',
      response: z.object({
        source: z.object({ title: z.object({ uk: z.string(), en: z.string() }), url: z.string(), edition: z.string() }),
        oblasts: z.array(oblastSchema),
      }),
    },
    (c) => c.json(oblasts()),
  );
}

export function organisationRoutes() {
  return new Resource('/api/organisations', 'programme').route(
    {
      method: 'get',
      path: '/',
      summary: 'Every organisation (kind, names, oblast) with its number of cohorts, to place a cohort',
      access: ['instructor', 'coordinator', 'admin'],
      response: organisationListSchema,
    },
    async (c) => c.json({ organisations: await organisationsRepo(c.get('deps').db).list() }),
  );
}

export function adminOrganisationRoutes() {
  return new Resource('/api/admin', 'admin')
    .route(
      {
        method: 'post',
        path: '/organisations',
        summary: 'Add an organisation (university, police unit, children’s service, school or NGO) in an oblast',
        access: ADMIN,
        body: organisationBody,
        response: z.object({ organisation: organisationSchema }),
        status: 201,
        errors: [409],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const org = await organisationsRepo(deps.db).create(body, deps.now().toISOString());
        if (!org)
          throw new AppError(409, 'conflict', `an organisation named "${body.name_uk}" already exists in this oblast`);
        await auditRepo(deps.db).record({
          event: 'organisation.created',
          actor_id: c.get('user')!.id,
          target: `organisation:${org.id}`,
          ip: clientIp(c),
        });
        return c.json({ organisation: org }, 201);
      },
    )
    .route(
      {
        method: 'patch',
        path: '/organisations/:id',
        summary: "Change an organisation's kind, names or oblast",
        access: ADMIN,
        params: idParam,
        body: organisationPatch,
        response: z.object({ organisation: organisationSchema }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const repo = organisationsRepo(deps.db);
        if (!(await repo.byId(params.id))) throw notFound('organisation');
        if (!(await repo.update(params.id, body)))
          throw new AppError(409, 'conflict', 'another organisation of that name already exists in this oblast');
        await auditRepo(deps.db).record({
          event: 'organisation.changed',
          actor_id: c.get('user')!.id,
          target: `organisation:${params.id}`,
          details: { fields: Object.keys(body) },
          ip: clientIp(c),
        });
        return c.json({ organisation: (await repo.byId(params.id))! });
      },
    )
    .route(
      {
        method: 'delete',
        path: '/organisations/:id',
        summary: 'Delete an organisation no cohort belongs to',
        access: ADMIN,
        params: idParam,
        response: z.object({ ok: z.literal(true) }),
        errors: [404, 409],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = organisationsRepo(deps.db);
        if (!(await repo.byId(params.id))) throw notFound('organisation');
        const n = await repo.cohortCount(params.id);
        if (n > 0)
          throw new AppError(
            409,
            'conflict',
            `${n} cohort(s) belong to this organisation (archived ones included): move them to another organisation first`,
          );
        await repo.remove(params.id);
        await auditRepo(deps.db).record({
          event: 'organisation.deleted',
          actor_id: c.get('user')!.id,
          target: `organisation:${params.id}`,
          ip: clientIp(c),
        });
        return c.json({ ok: true as const });
      },
    )
    .route(
      {
        method: 'get',
        path: '/users/:id/coordinator-scopes',
        summary: "A coordinator's scopes: oblast codes, or national",
        access: ADMIN,
        params: idParam,
        response: z.object({ scopes: z.array(z.string()) }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        if (!(await usersRepo(deps.db).byId(params.id))) throw notFound('user');
        return c.json({ scopes: await organisationsRepo(deps.db).scopes(params.id) });
      },
    )
    .route(
      {
        method: 'put',
        path: '/users/:id/coordinator-scopes',
        summary:
          'Set a coordinator\'s scopes (oblast codes, or ["national"]); an empty list leaves them seeing nothing',
        access: ADMIN,
        params: idParam,
        body: scopesBody,
        response: z.object({ scopes: z.array(z.string()) }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = await usersRepo(deps.db).byId(params.id);
        if (!user) throw notFound('user');
        if (user.role !== 'coordinator')
          throw new AppError(409, 'conflict', `this account is a ${user.role}: make it a coordinator first`);
        await organisationsRepo(deps.db).setScopes(params.id, body.scopes, deps.now().toISOString());
        await auditRepo(deps.db).record({
          event: 'coordinator.scopes_changed',
          actor_id: c.get('user')!.id,
          target: `user:${params.id}`,
          details: { scopes: body.scopes },
          ip: clientIp(c),
        });
        return c.json({ scopes: await organisationsRepo(deps.db).scopes(params.id) });
      },
    );
}
