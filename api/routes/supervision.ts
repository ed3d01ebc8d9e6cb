/**
 * Supervisors and group supervision (issue #24): admins set a supervisor's scope and see that
 * consultations exist (for retention, never their text); supervisors schedule sessions and record
 * attendance; learners sign up and cancel; attended sessions count as professional development hours.
 */
import { z } from 'zod';
import { OBLAST_CODES, OBLASTS, isOblast, oblastField } from '../../courses/oblast-iso.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { consultationsRepo } from '../../db/repos/consultations.ts';
import { supervisionRepo } from '../../db/repos/supervision.ts';
import { usersRepo } from '../../db/repos/users.ts';
import { consultationData } from '../consultation/data.ts';
import { notify } from '../consultation/service.ts';
import { scopeOf } from '../programme/scope.ts';
import { MIN_CELL } from '../programme/suppress.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { clientIp } from './auth.ts';
import { REQUESTER_ROLES } from './consultations.ts';
import { idParam, isoDateTime } from './fields.ts';

const ADMIN = ['admin'] as const;
const regionOf = (iso: string) => (isOblast(iso) ? OBLASTS[iso].region : undefined);
const SUPERVISOR = ['supervisor'] as const;

export const scopeBody = z
  .object({
    psychologist: z.boolean(),
    topics: z
      .array(z.string().refine((t) => consultationData().topics.some((x) => x.id === t), 'unknown topic'))
      .min(1)
      .max(20),
    oblasts: z
      .array(z.string().refine((o) => o === 'ALL' || (OBLAST_CODES as string[]).includes(o), 'an oblast code or ALL'))
      .min(1)
      .max(30),
  })
  .strict();

export const sessionBody = z
  .object({
    title: z.string().trim().min(1, 'required').max(200),
    starts_at: isoDateTime(),
    duration_minutes: z.number().int().min(15).max(480),
    format: z.enum(['online', 'in_person']),
    place: z.string().trim().min(1, 'the address or the meeting link').max(500),
    capacity: z.number().int().min(1).max(500),
    oblast: oblastField,
  })
  .strict();
export const attendanceBody = z
  .object({
    attendance: z.array(z.object({ user_id: z.number().int().positive(), attended: z.boolean() }).strict()).max(500),
  })
  .strict();
const sessionParams = z.object({ id: z.coerce.number().int().positive() }).strict();

const sessionOut = z.object({
  id: z.number(),
  supervisor_id: z.number().nullable(),
  title: z.string(),
  starts_at: z.string(),
  duration_minutes: z.number(),
  format: z.enum(['online', 'in_person']),
  place: z.string(),
  capacity: z.number(),
  oblast: z.string(),
  cancelled_at: z.string().nullable(),
  signed_up: z.number(),
});
const fixCount = <T extends { signed_up: unknown }>(s: T) => ({ ...s, signed_up: Number(s.signed_up) });

export function supervisionRoutes() {
  return new Resource('/api/supervision', 'supervision')
    .route(
      {
        method: 'get',
        path: '/supervisors',
        summary: 'Supervisors with their scopes (topics, oblasts, psychologist)',
        access: ['admin', 'supervisor'],
        response: z.object({
          supervisors: z.array(
            z.object({
              id: z.number(),
              full_name: z.string(),
              locale: z.enum(['uk', 'en']),
              scope: z.object({ psychologist: z.boolean(), topics: z.array(z.string()), oblasts: z.array(z.string()) }),
            }),
          ),
        }),
      },
      async (c) => {
        const list = await consultationsRepo(c.get('deps').db).supervisors();
        return c.json({ supervisors: list.map(({ email: _, ...s }) => s) });
      },
    )
    .route(
      {
        method: 'put',
        path: '/supervisors/:id/scope',
        summary: "Set a supervisor's scope: topics, oblasts (or ALL) and whether they are a psychologist",
        access: ADMIN,
        params: idParam,
        body: scopeBody,
        response: z
          .object({ user_id: z.number() })
          .merge(z.object({ psychologist: z.boolean(), topics: z.array(z.string()), oblasts: z.array(z.string()) })),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const user = await usersRepo(deps.db).byId(params.id);
        if (!user) throw notFound('user');
        if (user.role !== 'supervisor')
          throw new AppError(409, 'conflict', 'give the account the supervisor role first');
        await consultationsRepo(deps.db).setScope(user.id, body, deps.now());
        await auditRepo(deps.db).record({
          event: 'supervisor.scope_changed',
          actor_id: c.get('user')!.id,
          target: `user:${user.id}`,
          details: body,
          ip: clientIp(c),
        });
        return c.json({ user_id: user.id, ...body });
      },
    )
    .route(
      {
        method: 'get',
        path: '/consultations',
        summary:
          'That consultations exist, for retention: id, wellbeing flag, status and dates only (no text, topic or person)',
        access: ADMIN,
        response: z.object({
          consultations: z.array(
            z.object({
              id: z.number(),
              wellbeing: z.boolean(),
              status: z.enum(['open', 'claimed', 'closed']),
              created_at: z.string(),
              closed_at: z.string().nullable(),
            }),
          ),
        }),
      },
      async (c) => {
        const rows = await consultationsRepo(c.get('deps').db).existence();
        return c.json({ consultations: rows.map((r) => ({ ...r, wellbeing: r.wellbeing === 1 })) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/figures',
        summary:
          'Professional development from group supervision per oblast (attendances and hours, no names); coordinators see their oblasts, supervisors every oblast, both without oblasts where fewer than 5 people attended; admins everything',
        access: ['admin', 'supervisor', 'coordinator'],
        response: z.object({
          by_oblast: z.array(z.object({ oblast: z.string(), attendances: z.number(), hours: z.number() })),
          /** Oblasts in scope left out because their figures describe fewer than 5 people. */
          suppressed: z.number(),
        }),
        errors: [403],
      },
      async (c) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const rows = await supervisionRepo(deps.db).hoursByOblast();
        const shown = (r: (typeof rows)[number]) => ({ oblast: r.oblast, attendances: r.attendances, hours: r.hours });
        if (user.role === 'admin') return c.json({ by_oblast: rows.map(shown), suppressed: 0 });
        // The programme view's rules: aggregates of at least 5 people (in an oblast with one officer in
        // supervision, its hours are that officer's), and for a coordinator their oblasts only (scopes
        // are KATOTTH region numbers, sessions carry ISO codes); supervisors see the whole country. A
        // supervisor who led sessions in an oblast knows their attendance, so the oblast's figure must
        // also stand without them: it is left out for everyone unless, for each supervisor who led there,
        // the other sessions had nobody or at least 5 people (else leading a session there, marking a
        // few people present and subtracting would uncover the rest, from one's own view or a
        // colleague's). One rule for every viewer: no view shows what another hides. No total is
        // given, so no hidden oblast can be recovered by subtraction across oblasts.
        const scope = user.role === 'coordinator' ? await scopeOf(deps, user) : { national: true, oblasts: [] };
        const inScope = rows.filter((r) => scope.national || scope.oblasts.includes(regionOf(r.oblast) ?? ''));
        const big = inScope.filter(
          (r) => r.people >= MIN_CELL && r.peopleWithoutEachLead.every((n) => n === 0 || n >= MIN_CELL),
        );
        return c.json({ by_oblast: big.map(shown), suppressed: inScope.length - big.length });
      },
    )
    .route(
      {
        method: 'get',
        path: '/sessions',
        summary: 'Upcoming group supervision sessions',
        access: [...REQUESTER_ROLES, 'supervisor'],
        response: z.object({ sessions: z.array(sessionOut) }),
      },
      async (c) => {
        const deps = c.get('deps');
        const rows = await supervisionRepo(deps.db).upcoming(deps.now().toISOString());
        return c.json({ sessions: rows.map(fixCount) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/sessions/led',
        summary: 'Sessions you scheduled (past and upcoming, newest first), to record attendance',
        access: SUPERVISOR,
        response: z.object({ sessions: z.array(sessionOut) }),
      },
      async (c) => {
        const rows = await supervisionRepo(c.get('deps').db).bySupervisor(c.get('user')!.id);
        return c.json({ sessions: rows.map(fixCount) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/sessions',
        summary: 'Schedule a group supervision session',
        access: SUPERVISOR,
        body: sessionBody,
        status: 201,
        response: z.object({ id: z.number() }),
        errors: [409],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        if (Date.parse(body.starts_at) <= deps.now().getTime())
          throw new AppError(409, 'conflict', 'a session must start in the future');
        const { id } = await supervisionRepo(deps.db).create({
          ...body,
          starts_at: new Date(body.starts_at).toISOString(),
          supervisor_id: c.get('user')!.id,
          created_at: deps.now().toISOString(),
        });
        return c.json({ id }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/sessions/:id/cancel',
        summary: 'Cancel a session you lead, before it starts; everyone signed up is told (bell and email)',
        access: SUPERVISOR,
        params: sessionParams,
        response: z.object({ cancelled: z.literal(true), told: z.number() }),
        errors: [404, 409],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = supervisionRepo(deps.db);
        const s = await repo.byId(params.id);
        // Another supervisor's session is not found: a supervisor cannot learn what others scheduled this way.
        if (!s || s.supervisor_id !== c.get('user')!.id) throw notFound('session');
        const people = await repo.cancelSession(s.id, s.supervisor_id, deps.now(), async (trx, ids) => {
          for (const id of ids) await notify(deps, trx, id, 'session.cancelled', { session_id: s.id }, `c${s.id}`);
        });
        if (!people)
          throw new AppError(
            409,
            'conflict',
            s.cancelled_at ? 'this session is cancelled already' : 'this session has already started',
          );
        return c.json({ cancelled: true as const, told: people.length });
      },
    )
    .route(
      {
        method: 'post',
        path: '/sessions/:id/signup',
        summary: 'Sign up for a session (while there is room)',
        access: REQUESTER_ROLES,
        params: sessionParams,
        status: 201,
        response: z.object({ signed_up: z.literal(true) }),
        errors: [404, 409],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = supervisionRepo(deps.db);
        const s = await repo.byId(params.id);
        if (!s || s.cancelled_at) throw notFound('session');
        if (Date.parse(s.starts_at) <= deps.now().getTime())
          throw new AppError(409, 'conflict', 'this session has already started');
        const r = await repo.signUp(s.id, c.get('user')!.id, deps.now());
        if (r === 'missing') throw notFound('session');
        if (r === 'already') throw new AppError(409, 'conflict', 'you are already signed up');
        if (r === 'full') throw new AppError(409, 'conflict', 'this session is full');
        return c.json({ signed_up: true as const }, 201);
      },
    )
    .route(
      {
        method: 'delete',
        path: '/sessions/:id/signup',
        summary: 'Cancel your sign-up',
        access: REQUESTER_ROLES,
        params: sessionParams,
        response: z.object({ cancelled: z.literal(true) }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        if (!(await supervisionRepo(deps.db).cancel(params.id, c.get('user')!.id))) throw notFound('sign-up');
        return c.json({ cancelled: true as const });
      },
    )
    .route(
      {
        method: 'get',
        path: '/sessions/:id/attendees',
        summary: 'Who signed up for your session, with attendance',
        access: SUPERVISOR,
        params: sessionParams,
        response: z.object({
          attendees: z.array(
            z.object({
              id: z.number(),
              full_name: z.string(),
              attended: z.boolean().nullable(),
              created_at: z.string(),
            }),
          ),
        }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const repo = supervisionRepo(deps.db);
        const s = await repo.byId(params.id);
        if (!s || s.supervisor_id !== c.get('user')!.id) throw notFound('session');
        const rows = await repo.signups(s.id);
        return c.json({
          attendees: rows.map((r) => ({ ...r, attended: r.attended === null ? null : r.attended === 1 })),
        });
      },
    )
    .route(
      {
        method: 'put',
        path: '/sessions/:id/attendance',
        summary: 'Record who attended your session (counts as professional development hours)',
        access: SUPERVISOR,
        params: sessionParams,
        body: attendanceBody,
        response: z.object({ recorded: z.number() }),
        errors: [404, 409],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const repo = supervisionRepo(deps.db);
        const s = await repo.byId(params.id);
        if (!s || s.supervisor_id !== c.get('user')!.id) throw notFound('session');
        if (Date.parse(s.starts_at) > deps.now().getTime())
          throw new AppError(409, 'conflict', 'attendance can be recorded once the session has started');
        const unknown: number[] = [];
        for (const a of body.attendance)
          if (!(await repo.setAttendance(s.id, a.user_id, a.attended))) unknown.push(a.user_id);
        if (unknown.length)
          throw new AppError(409, 'conflict', `not signed up for this session: ${unknown.slice(0, 10).join(', ')}`);
        return c.json({ recorded: body.attendance.length });
      },
    )
    .route(
      {
        method: 'get',
        path: '/mine',
        summary: 'Your sign-ups and professional development hours from group supervision',
        access: REQUESTER_ROLES,
        response: z.object({
          signups: z.array(
            z.object({
              id: z.number(),
              title: z.string(),
              starts_at: z.string(),
              duration_minutes: z.number(),
              format: z.enum(['online', 'in_person']),
              place: z.string(),
              oblast: z.string(),
              cancelled_at: z.string().nullable(),
              attended: z.boolean().nullable(),
            }),
          ),
          development: z.object({ sessions: z.number(), hours: z.number() }),
        }),
      },
      async (c) => {
        const deps = c.get('deps');
        const repo = supervisionRepo(deps.db);
        const id = c.get('user')!.id;
        const [signups, hours] = await Promise.all([repo.mySignups(id), repo.hours(id)]);
        return c.json({
          signups: signups.map((s) => ({ ...s, attended: s.attended === null ? null : s.attended === 1 })),
          development: hours,
        });
      },
    );
}
