/**
 * Consultation requests (issue #24): an officer, cadet or specialist asks; a supervisor in scope
 * takes it, answers, and the requester closes it with a rating. See docs/consultation.md.
 */
import { z } from 'zod';
import { firstResponseDue, isOverdue, median } from '../../courses/consultation/deadline.ts';
import { OBLASTS, oblastField } from '../../courses/oblast-iso.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { consultationsRepo } from '../../db/repos/consultations.ts';
import { LEARNER_ROLES } from '../../db/schema.ts';
import { consultationData, topicById } from '../consultation/data.ts';
import { aad, checkText, cipher, inScope, notify, publicMeta, readAccess } from '../consultation/service.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { clientIp } from './auth.ts';
import { idParam } from './fields.ts';

/** Who may ask: the learner roles (cadet, officer, and specialist once that role is in LEARNER_ROLES). */
export const REQUESTER_ROLES = LEARNER_ROLES;
const SUPERVISOR = ['supervisor'] as const;
export const MESSAGE_MAX = 4000;

const textField = z.string().trim().min(1, 'must not be empty').max(MESSAGE_MAX, `at most ${MESSAGE_MAX} characters`);
const slug = z
  .string()
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'an id of lower-case letters, digits and hyphens');

export const createBody = z
  .object({
    topic: z
      .string()
      .max(80)
      .refine((t) => !!topicById(t), 'one of the topics in GET /api/consultations/meta'),
    description: textField,
    urgency: z.enum(['routine', 'urgent']),
    oblast: oblastField,
    course_id: slug.nullish(),
    module_id: slug.nullish(),
    /** The writer confirms that what the identifying-data check flagged is not about the child. */
    confirm_not_identifying: z.boolean().default(false),
  })
  .strict();
export const messageBody = z.object({ body: textField, confirm_not_identifying: z.boolean().default(false) }).strict();
export const closeBody = z.object({ rating: z.enum(['helped', 'partly', 'not_helped']) }).strict();
export const reassignBody = z.object({ supervisor_id: z.number().int().positive() }).strict();

const meta = z.object({
  id: z.number(),
  topic: z.string(),
  urgency: z.enum(['routine', 'urgent']),
  oblast: z.string(),
  course_id: z.string().nullable(),
  module_id: z.string().nullable(),
  wellbeing: z.boolean(),
  status: z.enum(['open', 'claimed', 'closed']),
  supervisor_id: z.number().nullable(),
  created_at: z.string(),
  due_at: z.string(),
  claimed_at: z.string().nullable(),
  first_response_at: z.string().nullable(),
  closed_at: z.string().nullable(),
  rating: z.enum(['helped', 'partly', 'not_helped']).nullable(),
  overdue: z.boolean(),
});
const threadResponse = z.object({
  consultation: meta,
  messages: z.array(
    z.object({
      id: z.number(),
      mine: z.boolean(),
      from: z.enum(['requester', 'supervisor']),
      body: z.string(),
      identifying_confirmed: z.boolean(),
      created_at: z.string(),
    }),
  ),
});

export function consultationRoutes() {
  return new Resource('/api/consultations', 'consultations')
    .route(
      {
        method: 'get',
        path: '/meta',
        summary: 'Topics, oblasts and urgency levels for the request form',
        access: 'authenticated',
        response: z.object({
          topics: z.array(
            z.object({ id: z.string(), title: z.object({ uk: z.string(), en: z.string() }), wellbeing: z.boolean() }),
          ),
          oblasts: z.array(z.object({ code: z.string(), name: z.object({ uk: z.string(), en: z.string() }) })),
          urgency: z.array(z.string()),
          message_max: z.number(),
        }),
      },
      (c) => {
        const { topics } = consultationData();
        return c.json({
          topics: topics.map((t) => ({ id: t.id, title: t.title, wellbeing: t.wellbeing })),
          oblasts: Object.entries(OBLASTS).map(([code, { uk, en }]) => ({ code, name: { uk, en } })),
          urgency: ['routine', 'urgent'],
          message_max: MESSAGE_MAX,
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/',
        summary: 'Open a consultation request (the identifying-data check runs again here)',
        access: REQUESTER_ROLES,
        body: createBody,
        status: 201,
        response: z.object({ id: z.number(), due_at: z.string() }),
        errors: [422],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const topic = topicById(body.topic)!;
        if (body.module_id && !body.course_id)
          throw new AppError(400, 'validation_failed', 'a module needs its course', { course_id: 'required' });
        if (body.course_id) {
          const course = deps.catalog.courses.get(body.course_id);
          if (!course) throw new AppError(400, 'validation_failed', 'no such course', { course_id: 'unknown course' });
          if (body.module_id && !course.course.modules.includes(body.module_id))
            throw new AppError(400, 'validation_failed', 'no such module in that course', {
              module_id: 'unknown module',
            });
        }
        const flagged = checkText(body.description, body.confirm_not_identifying, 'description');
        const now = deps.now();
        const due = firstResponseDue(now, body.urgency, consultationData().holidays);
        const id = await consultationsRepo(deps.db).create(
          {
            requester_id: user.id,
            topic: topic.id,
            urgency: body.urgency,
            oblast: body.oblast,
            course_id: body.course_id ?? null,
            module_id: body.module_id ?? null,
            wellbeing: topic.wellbeing,
            due_at: due.toISOString(),
          },
          now,
          (newId) => ({ body_enc: cipher(deps).encrypt(body.description, aad(newId)), identifying_confirmed: flagged }),
        );
        return c.json({ id, due_at: due.toISOString() }, 201);
      },
    )
    .route(
      {
        method: 'get',
        path: '/mine',
        summary: "The signed-in person's own requests",
        access: REQUESTER_ROLES,
        response: z.object({ consultations: z.array(meta) }),
      },
      async (c) => {
        const deps = c.get('deps');
        const rows = await consultationsRepo(deps.db).mine(c.get('user')!.id);
        return c.json({ consultations: rows.map((r) => publicMeta(r, deps.now())) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/queue',
        summary: "A supervisor's queue: open requests in their scope and those they took, with overdue flags",
        access: SUPERVISOR,
        response: z.object({ open: z.array(meta), mine: z.array(meta) }),
      },
      async (c) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const scope = await repo.scope(user.id);
        const now = deps.now();
        const rows = await repo.active(now.toISOString());
        return c.json({
          open: rows.filter((r) => r.status === 'open' && inScope(scope, r)).map((r) => publicMeta(r, now)),
          mine: rows
            .filter((r) => r.status === 'claimed' && r.supervisor_id === user.id)
            .map((r) => publicMeta(r, now)),
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/dashboard',
        summary: 'Supervisor dashboard: open and overdue requests in scope, median first-response time (last 90 days)',
        access: SUPERVISOR,
        response: z.object({
          open: z.number(),
          overdue: z.number(),
          mine: z.number(),
          answered_90d: z.number(),
          median_first_response_hours: z.number().nullable(),
        }),
      },
      async (c) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const scope = await repo.scope(user.id);
        const now = deps.now();
        const since = new Date(now.getTime() - 90 * 86_400_000).toISOString();
        const rows = (await repo.active(since)).filter((r) => inScope(scope, r) || r.supervisor_id === user.id);
        const notClosed = rows.filter((r) => r.status !== 'closed');
        const answered = rows.filter((r) => r.first_response_at && r.created_at >= since);
        const m = median(answered.map((r) => Date.parse(r.first_response_at!) - Date.parse(r.created_at)));
        return c.json({
          open: notClosed.length,
          overdue: notClosed.filter((r) => isOverdue(r, now)).length,
          mine: notClosed.filter((r) => r.supervisor_id === user.id).length,
          answered_90d: answered.length,
          median_first_response_hours: m === null ? null : Math.round((m / 3_600_000) * 10) / 10,
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/answered',
        summary:
          'Closed requests you answered that can become case notes (never wellbeing ones), with whether a note exists',
        access: SUPERVISOR,
        response: z.object({ consultations: z.array(meta.extend({ has_note: z.boolean() })) }),
      },
      async (c) => {
        const deps = c.get('deps');
        const rows = await consultationsRepo(deps.db).answeredBy(c.get('user')!.id);
        const now = deps.now();
        return c.json({
          consultations: rows.map(({ notes, ...r }) => ({ ...publicMeta(r, now), has_note: Number(notes) > 0 })),
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/:id',
        summary:
          'A thread with its messages (owner; the supervisor who took it; in-scope supervisors and admins for non-wellbeing threads, audit-logged)',
        access: [...REQUESTER_ROLES, 'supervisor', 'admin'],
        params: idParam,
        response: threadResponse,
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        if (!row) throw notFound('consultation');
        const access = await readAccess(deps, user, row);
        if (access !== 'owner')
          await auditRepo(deps.db).record({
            event: 'consultation.read',
            actor_id: user.id,
            target: `consultation:${row.id}`,
            ip: clientIp(c),
          });
        const box = cipher(deps);
        const messages = (await repo.messages(row.id)).map((m) => ({
          id: m.id,
          mine: m.author_id === user.id,
          from: m.author_id === row.requester_id ? ('requester' as const) : ('supervisor' as const),
          body: box.decrypt(m.body_enc, aad(row.id)),
          identifying_confirmed: m.identifying_confirmed === 1,
          created_at: m.created_at,
        }));
        return c.json({ consultation: publicMeta(row, deps.now()), messages });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/messages',
        summary: 'Reply in a thread (its owner, or the supervisor who took it)',
        access: [...REQUESTER_ROLES, 'supervisor'],
        params: idParam,
        body: messageBody,
        status: 201,
        response: z.object({ id: z.number() }),
        errors: [404, 409, 422],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        const owner = row?.requester_id === user.id;
        if (!row || (!owner && row.supervisor_id !== user.id)) throw notFound('consultation');
        if (row.status === 'closed') throw new AppError(409, 'conflict', 'this consultation is closed');
        const flagged = checkText(body.body, body.confirm_not_identifying, 'body');
        const id = await deps.db.transaction().execute(async (trx) => {
          const mid = await consultationsRepo(trx).addMessage(
            row,
            user.id,
            cipher(deps).encrypt(body.body, aad(row.id)),
            flagged,
            deps.now(),
          );
          const to = owner ? row.supervisor_id : row.requester_id;
          if (to) await notify(deps, trx, to, 'consultation.reply', { consultation_id: row.id }, `m${mid}`);
          return mid;
        });
        return c.json({ id }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/close',
        summary: 'Close your request with a rating: helped, partly or not helped',
        access: REQUESTER_ROLES,
        params: idParam,
        body: closeBody,
        response: z.object({ closed: z.literal(true) }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        if (!row || row.requester_id !== c.get('user')!.id) throw notFound('consultation');
        if (!(await repo.close(row.id, body.rating, deps.now())))
          throw new AppError(409, 'conflict', 'this consultation is already closed');
        return c.json({ closed: true as const });
      },
    )
    .route(
      {
        method: 'delete',
        path: '/:id',
        summary: 'Delete your own thread, at any time (messages go with it)',
        access: REQUESTER_ROLES,
        params: idParam,
        response: z.object({ deleted: z.literal(true) }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        const user = c.get('user')!;
        if (!row || row.requester_id !== user.id) throw notFound('consultation');
        await repo.remove(row.id);
        await auditRepo(deps.db).record({
          event: 'consultation.deleted',
          actor_id: user.id,
          target: `consultation:${row.id}`,
          ip: clientIp(c),
        });
        return c.json({ deleted: true as const });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/claim',
        summary: 'Take an open request in your scope',
        access: SUPERVISOR,
        params: idParam,
        response: z.object({ claimed: z.literal(true) }),
        errors: [404, 409],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        if (!row || !inScope(await repo.scope(user.id), row)) throw notFound('consultation');
        if (!(await repo.claim(row.id, user.id, deps.now())))
          throw new AppError(409, 'conflict', 'this request is not open any more (taken or closed)');
        await notify(
          deps,
          deps.db,
          row.requester_id,
          'consultation.claimed',
          { consultation_id: row.id },
          `c${row.id}-${user.id}`,
        );
        return c.json({ claimed: true as const });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/release',
        summary: 'Give back a request you took (it returns to the queue)',
        access: SUPERVISOR,
        params: idParam,
        response: z.object({ released: z.literal(true) }),
        errors: [404, 409],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        if (!row || row.supervisor_id !== user.id) throw notFound('consultation');
        if (!(await repo.release(row.id, user.id)))
          throw new AppError(409, 'conflict', 'only a request you hold and that is not closed can be released');
        return c.json({ released: true as const });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/reassign',
        summary: 'Hand a request to another supervisor whose scope covers it (the supervisor holding it, or an admin)',
        access: ['supervisor', 'admin'],
        params: idParam,
        body: reassignBody,
        response: z.object({ supervisor_id: z.number() }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = consultationsRepo(deps.db);
        const row = await repo.byId(params.id);
        if (!row || (user.role !== 'admin' && row.supervisor_id !== user.id)) throw notFound('consultation');
        if (row.status === 'closed') throw new AppError(409, 'conflict', 'this consultation is closed');
        // An admin routing a wellbeing thread could route it to an account they control (hostile review):
        // only the psychologist holding it hands it on; otherwise it waits in the psychologists' queue.
        if (user.role === 'admin' && row.wellbeing === 1)
          throw new AppError(
            403,
            'forbidden',
            'this request is confidential: only the psychologist holding it can hand it on; it waits in the psychologists’ queue',
          );
        const target = (await repo.supervisors()).find((s) => s.id === body.supervisor_id);
        if (!target || !inScope(target.scope, row))
          throw new AppError(
            409,
            'conflict',
            'that person is not an active supervisor whose scope (topic, oblast, psychologist for wellbeing) covers this request',
          );
        await repo.reassign(row.id, target.id, deps.now());
        await auditRepo(deps.db).record({
          event: 'consultation.reassigned',
          actor_id: user.id,
          target: `consultation:${row.id}`,
          details: { to: target.id },
          ip: clientIp(c),
        });
        await notify(
          deps,
          deps.db,
          target.id,
          'consultation.claimed',
          { consultation_id: row.id },
          `r${row.id}-${target.id}-${deps.now().getTime()}`,
        );
        return c.json({ supervisor_id: target.id });
      },
    );
}
