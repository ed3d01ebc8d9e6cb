/**
 * Issue #18: a learner who never studies must not pass the graded final. A scripted learner that
 * knows nothing of the content plays every real course through the real API: it answers from the ids
 * it is sent (the smallest id, a prompt's own id, ids in sort order), reads every review it is given,
 * memorises what the review says is right (by the texts shown) and retries with it. Over 200 such
 * learners × 3 attempts per course it passes in fewer than 1 % of runs.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sessions } from '../../api/auth/session.ts';
import type { PublicQuestion } from '../../courses/assessment.ts';
import { contentFsFrom, loadCatalog } from '../../courses/catalog.ts';
import type { Response } from '../../courses/schema/question.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';

const LEARNERS = 200;
const catalog = loadCatalog(contentFsFrom(fs), 'content');
const courses = [...catalog.courses.values()].filter((c) => c.course.assessment).map((c) => c.course.id);

type Ids = { id: string; text: string }[];
interface ReviewItem {
  question: PublicQuestion;
  correct_response?: Response;
}
/** What a review taught, by question id: the right answer as texts (ids change between attempts). */
type Memory = Map<string, unknown>;

const textOf = (l: Ids | undefined, id: string) => l?.find((x) => x.id === id)?.text;
const idOf = (l: Ids | undefined, text: unknown) => l?.find((x) => x.text === text)?.id;
const smallest = (l: Ids) => [...l].map((x) => x.id).sort()[0]!;

function learn(memory: Memory, item: ReviewItem) {
  const { question: q, correct_response: r } = item;
  if (r === undefined) return;
  if (q.type === 'single') memory.set(q.id, textOf(q.options, r as string));
  else if (q.type === 'multiple')
    memory.set(
      q.id,
      (r as string[]).map((id) => textOf(q.options, id)),
    );
  else if (q.type === 'ordering')
    memory.set(
      q.id,
      (r as string[]).map((id) => textOf(q.items, id)),
    );
  else if (q.type === 'matching')
    memory.set(
      q.id,
      Object.entries(r as Record<string, string>).map(([p, m]) => [textOf(q.prompts, p), textOf(q.matches, m)]),
    );
  else memory.set(q.id, r);
}

function answer(q: PublicQuestion, memory: Memory): Response {
  const known = memory.get(q.id);
  switch (q.type) {
    case 'single':
      return (known !== undefined && idOf(q.options, known)) || smallest(q.options!);
    case 'multiple':
      return known ? (known as string[]).map((t) => idOf(q.options, t)!).filter(Boolean) : [smallest(q.options!)];
    case 'ordering':
      return known ? (known as string[]).map((t) => idOf(q.items, t)!) : q.items!.map((i) => i.id).sort();
    case 'matching': {
      if (known)
        return Object.fromEntries(
          (known as [string, string][]).map(([p, m]) => [idOf(q.prompts, p), idOf(q.matches, m)]),
        );
      const matches = q.matches!.map((m) => m.id).sort();
      return Object.fromEntries(
        q.prompts!.map((p, i) => [p.id, q.matches!.some((m) => m.id === p.id) ? p.id : matches[i]!]),
      );
    }
    case 'true-false':
      return (known as boolean | undefined) ?? true;
    case 'numeric':
      return (known as number | undefined) ?? 0;
    default:
      return (known as string | undefined) ?? 'так';
  }
}

async function learnerPasses(t: TestApp, course: string, n: number): Promise<boolean> {
  const user = await t.createUser('cadet', `attack-${course}-${n}@test.ua`);
  const { token } = await sessions(t.deps.db).create(user.id, 'cadet');
  const cookie = `oberih_session=${token}`;
  const memory: Memory = new Map();
  for (let attempt = 0; attempt < 3; attempt++) {
    const res = await t.request(`/api/courses/${course}/attempts`, { cookie, json: { locale: 'uk' } });
    if (res.status !== 201) throw new Error(`start: ${res.status} ${await res.text()}`);
    const open = (await res.json()).attempt as { id: string; questions: PublicQuestion[] };
    const responses = Object.fromEntries(open.questions.map((q) => [q.id, answer(q, memory)]));
    const sent = await t.request(`/api/attempts/${open.id}/submit`, { cookie, json: { responses } });
    if (sent.status !== 200) throw new Error(`submit: ${sent.status} ${await sent.text()}`);
    const result = (await sent.json()).attempt as { passed?: boolean; review?: ReviewItem[] };
    if (result.passed) return true;
    for (const item of result.review ?? []) learn(memory, item);
    // Read the attempt back too: a review may open there.
    const again = (await (await t.request(`/api/attempts/${open.id}`, { cookie })).json()).attempt;
    for (const item of (again.review as ReviewItem[] | undefined) ?? []) learn(memory, item);
  }
  return false;
}

describe('a learner who never studies, reading every review, does not pass', async () => {
  const t = await makeTestApp({ catalog });
  it.each(courses)(
    '%s: fewer than 1 in 100 of 200 scripted learners pass in 3 attempts',
    async (course) => {
      let passes = 0;
      // Ten learners at a time: their writes share group commits, as real traffic would.
      for (let n = 0; n < LEARNERS; n += 10) {
        const batch = Array.from({ length: Math.min(10, LEARNERS - n) }, (_, i) => learnerPasses(t, course, n + i));
        passes += (await Promise.all(batch)).filter(Boolean).length;
      }
      expect(passes, `${passes} of ${LEARNERS} passed`).toBeLessThan(LEARNERS * 0.01);
    },
    300_000,
  );
});
