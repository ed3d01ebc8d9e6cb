/** Issue #18, item 1: a graded attempt leaves the server under ids of its own, mapped back on submit. */
import { describe, expect, it } from 'vitest';
import type { PublicQuestion } from '../../courses/assessment.ts';
import { correctResponse } from '../../courses/scoring.ts';
import { rightAnswers } from '../helpers/answers.ts';
import { fixtures, makeTestApp } from '../helpers/app.ts';

const pool = new Map(
  fixtures()
    .courses.get('fixture-course')!
    .pool!.map((q) => [q.id, q]),
);
const idsOf = (q: PublicQuestion) => [...(q.options ?? []), ...(q.items ?? []), ...(q.matches ?? [])].map((x) => x.id);

describe('opaque per-attempt ids', async () => {
  const t = await makeTestApp({ now: () => new Date('2026-11-29T10:00:00Z') });
  const start = async (cookie: string) =>
    (await (await t.request('/api/courses/fixture-course/attempts', { cookie, json: { locale: 'uk' } })).json())
      .attempt as { id: string; questions: PublicQuestion[] };

  it('sends no authored id; prompts and answers of a matching question differ; ids are short and URL-safe', async () => {
    const { cookie } = await t.userWithSession('cadet');
    const a = await start(cookie);
    for (const q of a.questions) {
      const authored = new Set(
        (() => {
          const src = pool.get(q.id)!;
          return src.type === 'single' || src.type === 'multiple'
            ? src.options.map((o) => o.id)
            : src.type === 'matching'
              ? src.pairs.map((p) => p.id)
              : src.type === 'ordering'
                ? src.items.map((i) => i.id)
                : [];
        })(),
      );
      for (const id of [...idsOf(q), ...(q.prompts ?? []).map((p) => p.id)]) {
        expect(authored.has(id)).toBe(false);
        expect(id).toMatch(/^[A-Za-z0-9_-]{10}$/);
      }
      if (q.type === 'matching') {
        const prompts = new Set(q.prompts!.map((p) => p.id));
        expect(q.matches!.some((m) => prompts.has(m.id))).toBe(false);
      }
    }
  });

  it('two attempts of one question never share an id', async () => {
    const one = await start((await t.userWithSession('cadet')).cookie);
    const two = await start((await t.userWithSession('cadet')).cookie);
    const ids = new Set(one.questions.flatMap(idsOf));
    expect(two.questions.flatMap(idsOf).filter((id) => ids.has(id))).toEqual([]);
  });

  it('a response under authored ids, or under another attempt’s ids, is a 400 that says why', async () => {
    const me = await t.userWithSession('cadet');
    const mine = await start(me.cookie);
    const theirs = await start((await t.userWithSession('cadet')).cookie);
    const q = mine.questions.find((x) => x.type === 'single')!;
    const authored = await t.request(`/api/attempts/${mine.id}/submit`, {
      cookie: me.cookie,
      json: { responses: { [q.id]: correctResponse(pool.get(q.id)!) } },
    });
    expect(authored.status).toBe(400);
    expect((await authored.json()).error.fields[`responses.${q.id}`]).toMatch(
      /not an id of this question in this attempt/,
    );
    // The fixture draws its whole pool, so the other attempt has the same question under other ids.
    const other = theirs.questions.find((x) => x.id === q.id)!;
    const foreign = await t.request(`/api/attempts/${mine.id}/answers`, {
      method: 'PUT',
      cookie: me.cookie,
      json: { answers: { [q.id]: other.options![0]!.id } },
    });
    expect(foreign.status).toBe(400);
    // The attempt's own ids score: a person who knows the content passes.
    const ok = await t.request(`/api/attempts/${mine.id}/submit`, {
      cookie: me.cookie,
      json: { responses: rightAnswers(pool, mine.questions) },
    });
    expect(ok.status).toBe(200);
    expect((await ok.json()).attempt).toMatchObject({ score: 100, passed: true });
  });

  it('stores responses under authored ids (item analysis and exports keep working)', async () => {
    const me = await t.userWithSession('cadet');
    const a = await start(me.cookie);
    await t.request(`/api/attempts/${a.id}/submit`, {
      cookie: me.cookie,
      json: { responses: rightAnswers(pool, a.questions) },
    });
    const rows = await t.deps.db.selectFrom('attempt_responses').selectAll().where('attempt_id', '=', a.id).execute();
    for (const r of rows) expect(JSON.parse(r.response)).toEqual(correctResponse(pool.get(r.question_id)!));
  });
});
