import { z } from 'zod';
import { isoDateTime } from './fields.ts';
import { courseProgress, type MissingForCompletion } from '../../courses/completion.ts';
import type { Deps } from '../deps.ts';
import { progressRepo } from '../../db/repos/progress.ts';
import { AppError } from '../errors.ts';
import { Resource } from '../route.ts';
import { CourseProgress, EVENTS_EXAMPLE, EventsRecorded, MyProgress } from './schemas/progress.ts';
import { myCourseSummaries } from './my-learning.ts';
import { checkCompletion } from '../completion.ts';
import { ProgressQuota } from '../middleware/progress-quota.ts';

/** Clock skew tolerated between a device and the server before a timestamp counts as "in the future". */
export const FUTURE_TOLERANCE_MS = 5 * 60 * 1000;
export const MAX_BATCH = 500;

const eventSchema = z
  .object({
    /** Client-generated id (e.g. a UUID): the same id sent twice is stored once. */
    id: z
      .string()
      .min(8, 'at least 8 characters')
      .max(64, 'at most 64 characters')
      .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" or "_"'),
    course: z.string().min(1).max(80),
    module: z.string().min(1).max(80),
    kind: z.enum(['viewed', 'completed', 'practice']),
    /** Practice score 0–100 (only for `practice`). */
    score: z.number().min(0).max(100).optional(),
    /** When it happened, by the device's clock. */
    at: isoDateTime(),
  })
  .strict()
  .refine((e) => (e.kind === 'practice') === (e.score !== undefined), {
    message: '"score" is required for practice events and only for them',
    path: ['score'],
  });

export const eventsBody = z
  .object({
    /**
     * The device's clock when it sent the batch. When given, event times are shifted by the
     * difference to the server's clock, so a device whose clock is days off still records correct times.
     */
    sent_at: isoDateTime().optional(),
    events: z
      .array(eventSchema)
      .min(1, 'send at least one event')
      .max(MAX_BATCH, `at most ${MAX_BATCH} events per batch`),
  })
  .strict();

/** Same-site page paths only (never an open redirect). */
const pagePath = z
  .string()
  .regex(/^\/(uk|en)\/[A-Za-z0-9\-/]*$/, 'a page path like /uk/courses/x/y/')
  .max(300);

export const completeForm = z
  .object({ course: z.string().min(1).max(80), module: z.string().min(1).max(80), back: pagePath })
  .strict();

/** What a learner reads when a module they marked complete does not count yet (issue #18, item 5). */
export function missingMessage(missing: MissingForCompletion[], m: { minMinutes: number; practiceMark: number }) {
  const parts = missing
    .filter((x) => x !== 'mark')
    .map((x) =>
      x === 'time'
        ? `spend at least ${m.minMinutes} minutes on the module (time counts while its page is open)`
        : `pass its practice quiz with at least ${m.practiceMark} %`,
    );
  return `marked complete, but it does not count yet: ${parts.join(' and ')}`;
}

/** Modules of `course` that a learner marked complete but that do not count yet, with what is missing. */
async function incompleteMarks(deps: Deps, userId: number, courseId: string, modules: Set<string>) {
  const loaded = deps.catalog.courses.get(courseId)!;
  const progress = courseProgress(loaded.course, await progressRepo(deps.db).activity(userId, courseId), loaded);
  return progress.modules
    .filter((m) => modules.has(m.id) && !m.completed)
    .map((m) => ({ course: courseId, module: m.id, missing: m.missing, message: missingMessage(m.missing, m) }));
}

export function progressRoutes() {
  let limits: ProgressQuota | undefined;
  return new Resource('/api', 'progress')
    .route(
      {
        method: 'post',
        path: '/progress/events',
        response: EventsRecorded,
        errors: [429],
        example: EVENTS_EXAMPLE,
        summary: 'Record viewed/completed/practice events (idempotent per client id)',
        access: 'authenticated',
        body: eventsBody,
      },
      async (c, { body }) => {
        const { db, storage, catalog, now } = c.get('deps');
        const serverNow = now();
        const userId = c.get('user')!.id;
        const quota = (limits ??= new ProgressQuota(c.get('deps').config.progressQuota));
        quota.take(userId, body.events.length, serverNow.getTime());
        const floor = await quota.floor(db, userId, serverNow.getTime());
        const skew = body.sent_at ? serverNow.getTime() - Date.parse(body.sent_at) : 0;
        const fields: Record<string, string> = {};
        const events = body.events.map((e, i) => {
          const course = catalog.courses.get(e.course);
          if (!course) fields[`events.${i}.course`] = `unknown course "${e.course}"`;
          else if (!course.course.modules.includes(e.module))
            fields[`events.${i}.module`] = `unknown module "${e.module}" in course "${e.course}"`;
          const at = Date.parse(e.at) + skew;
          if (at > serverNow.getTime() + FUTURE_TOLERANCE_MS) fields[`events.${i}.at`] = 'in the future';
          return {
            client_id: e.id,
            course_id: e.course,
            module_id: e.module,
            kind: e.kind,
            score: e.score ?? null,
            // Never before the learner joined (or their account existed): no backdating past that.
            occurred_at: new Date(Math.max(floor, Math.min(at, serverNow.getTime()))).toISOString(),
          };
        });
        if (!Object.keys(fields).length) Object.assign(fields, await quota.moduleErrors(db, userId, events));
        const first = Object.entries(fields)[0];
        if (first) throw new AppError(400, 'validation_failed', `invalid body "${first[0]}": ${first[1]}`, fields);
        const result = await progressRepo(db, storage).record(userId, events, serverNow.toISOString());
        // Completing the last module may complete the course (when the assessment is already passed). A mark
        // is stored whatever it claims; the answer says which marked modules do not count yet, and why.
        // A practice pass can be the last step of a module marked earlier, so it may complete the course too.
        const marked = new Map<string, Set<string>>();
        const touched = new Set<string>();
        for (const e of events) {
          if (e.kind === 'viewed') continue;
          touched.add(e.course_id);
          if (e.kind === 'completed') marked.set(e.course_id, (marked.get(e.course_id) ?? new Set()).add(e.module_id));
        }
        if (result.stored > 0) for (const course of touched) await checkCompletion(c.get('deps'), userId, course);
        const incomplete = [];
        for (const [course, modules] of marked)
          incomplete.push(...(await incompleteMarks(c.get('deps'), userId, course, modules)));
        return c.json({ ...result, ...(incomplete.length ? { incomplete } : {}) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/progress/complete',
        redirect: true,
        summary: 'Mark a module complete from a plain HTML form (works without JavaScript); redirects back to the page',
        // Public so a signed-out reader is sent to the sign-in page instead of a JSON error; nothing is recorded without a session.
        access: 'public',
        form: true,
        body: completeForm,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const user = c.get('user');
        const locale = body.back.slice(1, 3);
        if (!user) return c.redirect(`/${locale}/login/?next=${encodeURIComponent(body.back)}`, 303);
        const course = deps.catalog.courses.get(body.course);
        if (!course || !course.course.modules.includes(body.module))
          throw new AppError(400, 'validation_failed', `unknown module "${body.module}" in course "${body.course}"`, {
            module: 'unknown',
          });
        const now = deps.now().toISOString();
        // One completion per module and user is enough: the id makes a repeated form post a no-op.
        await progressRepo(deps.db, deps.storage).record(
          user.id,
          [
            {
              client_id: `form-complete-${body.course}-${body.module}`.slice(0, 64),
              course_id: body.course,
              module_id: body.module,
              kind: 'completed',
              score: null,
              occurred_at: now,
            },
          ],
          now,
        );
        await checkCompletion(deps, user.id, body.course);
        // Without JavaScript the page cannot ask: the fragment opens the note that says what is missing (CSS :target).
        const [incomplete] = await incompleteMarks(deps, user.id, body.course, new Set([body.module]));
        if (incomplete)
          return c.redirect(
            `${body.back}#not-counted-${incomplete.missing.filter((m) => m !== 'mark').join('-')}`,
            303,
          );
        return c.redirect(`${body.back}#completed`, 303);
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/progress',
        response: MyProgress,
        summary: 'My progress per course and module, resume point, due dates, attempts and certificates',
        access: 'authenticated',
      },
      async (c) => {
        return c.json({ courses: await myCourseSummaries(c.get('deps'), c.get('user')!.id) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/me/progress/:course',
        response: CourseProgress,
        errors: [404],
        summary: 'My progress in one course',
        access: 'authenticated',
        params: z.object({ course: z.string().max(80) }).strict(),
      },
      async (c, { params }) => {
        const { db, catalog } = c.get('deps');
        const course = catalog.courses.get(params.course);
        if (!course) throw new AppError(404, 'not_found', `unknown course "${params.course}"`);
        return c.json(
          courseProgress(course.course, await progressRepo(db).activity(c.get('user')!.id, params.course), course),
        );
      },
    );
}
