/** De-identified case notes written from closed consultations (issue #24); public once a second supervisor approves. */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

const PUBLIC = ['id', 'topic', 'course_id', 'module_id', 'locale', 'title', 'body', 'published_at'] as const;

export function caseNotesRepo(db: Kysely<Database>) {
  return {
    create: (n: {
      author_id: number;
      consultation_id: number;
      topic: string;
      course_id: string | null;
      module_id: string | null;
      locale: 'uk' | 'en';
      title: string;
      body: string;
      created_at: string;
    }) =>
      db
        .insertInto('case_notes')
        .values({ ...n, status: 'pending' })
        .returning('id')
        .executeTakeFirstOrThrow(),
    byId: (id: number) => db.selectFrom('case_notes').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Rewrite a returned (or still pending) note; it goes back for review. */
    rewrite: (id: number, title: string, body: string) =>
      db
        .updateTable('case_notes')
        .set({ title, body, status: 'pending', reviewer_id: null, review_comment: null, reviewed_at: null })
        .where('id', '=', id)
        .where('status', '!=', 'published')
        .execute(),
    async review(id: number, reviewerId: number, approve: boolean, comment: string | null, now: Date) {
      const at = now.toISOString();
      const r = await db
        .updateTable('case_notes')
        .set({
          status: approve ? 'published' : 'returned',
          reviewer_id: reviewerId,
          review_comment: comment,
          reviewed_at: at,
          published_at: approve ? at : null,
        })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('author_id', '!=', reviewerId)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Notes waiting for a reviewer other than `userId`, and the user's own notes. */
    forSupervisor: (userId: number) =>
      db
        .selectFrom('case_notes')
        .select([
          'id',
          'author_id',
          'topic',
          'course_id',
          'module_id',
          'locale',
          'title',
          'body',
          'status',
          'review_comment',
          'created_at',
          'published_at',
        ])
        .where((eb) => eb.or([eb('author_id', '=', userId), eb('status', '=', 'pending')]))
        .orderBy('id', 'desc')
        .limit(200)
        .execute(),
    /**
     * The public library: published notes, filtered by topic, course, module and words. Words are
     * matched here rather than in SQL: SQLite's lower() and LIKE fold only ASCII, not Cyrillic.
     */
    async library(q: { q?: string; topic?: string; course_id?: string; module_id?: string; locale?: 'uk' | 'en' }) {
      let query = db.selectFrom('case_notes').select(PUBLIC).where('status', '=', 'published');
      if (q.topic) query = query.where('topic', '=', q.topic);
      if (q.course_id) query = query.where('course_id', '=', q.course_id);
      if (q.module_id) query = query.where('module_id', '=', q.module_id);
      if (q.locale) query = query.where('locale', '=', q.locale);
      const rows = await query.orderBy('published_at', 'desc').limit(2000).execute();
      const words = (q.q ?? '').toLocaleLowerCase().split(/\s+/).filter(Boolean).slice(0, 5);
      return rows
        .filter((r) => words.every((w) => `${r.title}\n${r.body}`.toLocaleLowerCase().includes(w)))
        .slice(0, 100);
    },
    published: (id: number) =>
      db
        .selectFrom('case_notes')
        .select(PUBLIC)
        .where('id', '=', id)
        .where('status', '=', 'published')
        .executeTakeFirst(),
  };
}
