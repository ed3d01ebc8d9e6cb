/**
 * The case library (issue #24): a supervisor turns a closed consultation into a de-identified note
 * (rewritten, never a copy of the thread); a second supervisor reviews it; once approved it is
 * published for every learner and linked from its module. The original thread is never exposed.
 */
import { z } from 'zod';
import { findIdentifying, kindsOf } from '../../courses/consultation/identifying.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { caseNotesRepo } from '../../db/repos/case-notes.ts';
import { consultationsRepo } from '../../db/repos/consultations.ts';
import { notify } from '../consultation/service.ts';
import { AppError, notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { clientIp } from './auth.ts';
import { idParam, localeField } from './fields.ts';

const SUPERVISOR = ['supervisor'] as const;
const title = z.string().trim().min(1, 'required').max(200, 'at most 200 characters');
const body = z.string().trim().min(50, 'at least 50 characters').max(8000, 'at most 8000 characters');

export const noteBody = z
  .object({ consultation_id: z.number().int().positive(), locale: localeField, title, body })
  .strict();
export const rewriteBody = z.object({ title, body }).strict();
export const reviewBody = z.object({ approve: z.boolean(), comment: z.string().trim().max(1000).optional() }).strict();
export const libraryQuery = z
  .object({
    q: z.string().max(200).optional(),
    topic: z.string().max(80).optional(),
    course_id: z.string().max(80).optional(),
    module_id: z.string().max(80).optional(),
    locale: localeField.optional(),
  })
  .strict();

const publicNote = z.object({
  id: z.number(),
  topic: z.string(),
  course_id: z.string().nullable(),
  module_id: z.string().nullable(),
  locale: z.enum(['uk', 'en']),
  title: z.string(),
  body: z.string(),
  published_at: z.string().nullable(),
});

/** A note must not carry what the identifying-data check finds: it is published to everyone. */
function assertDeidentified(text: string) {
  const found = findIdentifying(text);
  if (found.length)
    throw new AppError(
      422,
      'identifying_data',
      `a case note must be de-identified; found: ${kindsOf(found).join(', ')}`,
      {
        body: kindsOf(found).join(','),
      },
    );
}

export function caseNoteRoutes() {
  return new Resource('/api/case-notes', 'case-notes')
    .route(
      {
        method: 'get',
        path: '/',
        summary: 'The case library: published notes, searchable by words, topic, course and module',
        access: 'authenticated',
        query: libraryQuery,
        response: z.object({ notes: z.array(publicNote) }),
      },
      async (c, { query }) => c.json({ notes: await caseNotesRepo(c.get('deps').db).library(query) }),
    )
    .route(
      {
        method: 'get',
        path: '/review',
        summary: "Notes waiting for review (by someone other than their author) and the supervisor's own notes",
        access: SUPERVISOR,
        response: z.object({
          notes: z.array(
            publicNote.extend({
              author_id: z.number().nullable(),
              status: z.enum(['pending', 'returned', 'published']),
              review_comment: z.string().nullable(),
              created_at: z.string(),
              mine: z.boolean(),
            }),
          ),
        }),
      },
      async (c) => {
        const user = c.get('user')!;
        const rows = await caseNotesRepo(c.get('deps').db).forSupervisor(user.id);
        return c.json({ notes: rows.map((r) => ({ ...r, mine: r.author_id === user.id })) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/:id',
        summary: 'One published case note',
        access: 'authenticated',
        params: idParam,
        response: z.object({ note: publicNote }),
        errors: [404],
      },
      async (c, { params }) => {
        const note = await caseNotesRepo(c.get('deps').db).published(params.id);
        if (!note) throw notFound('case note');
        return c.json({ note });
      },
    )
    .route(
      {
        method: 'post',
        path: '/',
        summary: 'Write a de-identified case note from a closed consultation you answered (not a wellbeing one)',
        access: SUPERVISOR,
        body: noteBody,
        status: 201,
        response: z.object({ id: z.number() }),
        errors: [404, 409, 422],
      },
      async (c, { body: b }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const row = await consultationsRepo(deps.db).byId(b.consultation_id);
        if (!row || row.supervisor_id !== user.id) throw notFound('consultation');
        if (row.wellbeing === 1)
          throw new AppError(409, 'conflict', 'a wellbeing consultation is confidential and never becomes a case note');
        if (row.status !== 'closed') throw new AppError(409, 'conflict', 'close the consultation first');
        assertDeidentified(`${b.title}\n${b.body}`);
        const { id } = await caseNotesRepo(deps.db).create({
          author_id: user.id,
          consultation_id: row.id,
          topic: row.topic,
          course_id: row.course_id,
          module_id: row.module_id,
          locale: b.locale,
          title: b.title,
          body: b.body,
          created_at: deps.now().toISOString(),
        });
        return c.json({ id }, 201);
      },
    )
    .route(
      {
        method: 'put',
        path: '/:id',
        summary: 'Rewrite your own note (not yet published); it goes back for review',
        access: SUPERVISOR,
        params: idParam,
        body: rewriteBody,
        response: z.object({ id: z.number(), status: z.literal('pending') }),
        errors: [404, 409, 422],
      },
      async (c, { params, body: b }) => {
        const deps = c.get('deps');
        const repo = caseNotesRepo(deps.db);
        const note = await repo.byId(params.id);
        if (!note || note.author_id !== c.get('user')!.id) throw notFound('case note');
        if (note.status === 'published') throw new AppError(409, 'conflict', 'a published note cannot be rewritten');
        assertDeidentified(`${b.title}\n${b.body}`);
        await repo.rewrite(note.id, b.title, b.body);
        return c.json({ id: note.id, status: 'pending' as const });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/review',
        summary: "Approve (publish) or return another supervisor's note",
        access: SUPERVISOR,
        params: idParam,
        body: reviewBody,
        response: z.object({ id: z.number(), status: z.enum(['published', 'returned']) }),
        errors: [404, 409],
      },
      async (c, { params, body: b }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = caseNotesRepo(deps.db);
        const note = await repo.byId(params.id);
        if (!note) throw notFound('case note');
        if (note.author_id === user.id)
          throw new AppError(409, 'conflict', 'a second supervisor must review the note, not its author');
        if (!(await repo.review(note.id, user.id, b.approve, b.comment ?? null, deps.now())))
          throw new AppError(409, 'conflict', 'this note is not waiting for review');
        if (b.approve)
          await auditRepo(deps.db).record({
            event: 'case_note.published',
            actor_id: user.id,
            target: `case_note:${note.id}`,
            ip: clientIp(c),
          });
        else if (note.author_id)
          await notify(
            deps,
            deps.db,
            note.author_id,
            'case_note.review',
            { case_note_id: note.id },
            `n${note.id}-${deps.now().getTime()}`,
          );
        return c.json({ id: note.id, status: b.approve ? ('published' as const) : ('returned' as const) });
      },
    );
}
