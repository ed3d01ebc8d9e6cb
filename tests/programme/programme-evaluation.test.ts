/**
 * The evaluation section of the programme view through the real API: hand-computed small cohorts
 * (pre-test/final pairs, reaction and follow-up answers stored by the evaluation repository) → the
 * coordinator's dashboard answers the expected gain, CI, d_z, reaction means, follow-up shares and
 * response rates; a group of 4 is hidden together with its complement; a coordinator of another oblast
 * sees none of it; the CSV and the PDF report carry the section.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluationRepo } from '../../db/repos/evaluation.ts';
import { organisationsRepo } from '../../db/repos/organisations.ts';
import type { UsageLevel } from '../../courses/schema/evaluation.ts';
import { makeTestApp, tempDir } from '../helpers/app.ts';

const COURSE = 'fixture-course';
const DAY = 86_400_000;
const NOW = new Date('2027-06-15T10:00:00.000Z');
const ago = (days: number) => new Date(NOW.getTime() - days * DAY).toISOString();

interface Person {
  pre?: number;
  post?: number;
  reaction?: [number, number, number, number];
  followUp?: UsageLevel;
}

describe('programme evaluation figures', async () => {
  const t = await makeTestApp({ now: () => NOW });
  const db = t.deps.db;
  const repo = evaluationRepo(db);
  const orgs = organisationsRepo(db);
  const org = async (name: string, oblast: string) =>
    (await orgs.create({ kind: 'police_unit', name_uk: name, name_en: `${name} (en)`, oblast_code: oblast }, ago(1)))!;
  const a = await org('Відділ А', '46');
  const b = await org('Відділ Б', '46');
  const c = await org('Відділ В', '05');
  const instructor = await t.createUser('instructor');

  async function cohortOf(orgId: number, people: Person[]) {
    const { id } = await db
      .insertInto('cohorts')
      .values({ name: `c${orgId}`, unit: 'x', owner_id: instructor.id, created_at: ago(200), organisation_id: orgId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('cohort_courses')
      .values({ cohort_id: id, course_id: COURSE, due_on: null, assigned_at: ago(200) })
      .execute();
    for (const [i, p] of people.entries()) {
      const u = await t.createUser('officer', `e${orgId}-${i}@test.ua`, `Особа ${orgId}-${i}`);
      await db
        .insertInto('cohort_members')
        .values({ cohort_id: id, user_id: u.id, joined_at: ago(190) })
        .execute();
      if (p.pre !== undefined) {
        await repo.startPretest({
          userId: u.id,
          courseId: COURSE,
          contentVersion: '1.0.0',
          locale: 'uk',
          questions: '[]',
          at: ago(180),
        });
        await repo.submitPretest(u.id, COURSE, p.pre, ago(180));
      }
      if (p.post !== undefined)
        await db
          .insertInto('attempts')
          .values({
            id: `att-${orgId}-${i}`,
            user_id: u.id,
            course_id: COURSE,
            content_version: '1.0.0',
            locale: 'uk',
            questions: '[]',
            started_at: ago(110),
            deadline_at: null,
            submitted_at: ago(110),
            score: p.post,
            passed: p.post >= 70 ? 1 : 0,
          })
          .execute();
      // Everybody completed 100 days ago: the reaction is open to all, the 90-day follow-up too.
      await db
        .insertInto('completions')
        .values({
          user_id: u.id,
          course_id: COURSE,
          content_version: '1.0.0',
          attempt_id: null,
          score: 90,
          completed_at: ago(100),
        })
        .execute();
      if (p.reaction) {
        const [relevance, clarity, confidence, workload] = p.reaction;
        await repo.answerReaction(u.id, COURSE, id, new Date(ago(99)), {
          relevance,
          clarity,
          confidence,
          workload,
          comment: i === 0 ? 'Дуже корисно' : null,
        });
      }
      if (p.followUp)
        await repo.answerFollowUp(u.id, COURSE, id, new Date(ago(5)), {
          usage: [p.followUp],
          barriers: [],
          comment: null,
        });
    }
    return id;
  }

  // Vinnytsia (05), organisation В: six officers, five with a pre-test (hand-computed below), all took
  // the final, five answered the reaction and the follow-up.
  const pre = [40, 50, 60, 50, 70];
  const post = [60, 70, 60, 80, 90];
  const reactions: [number, number, number, number][] = [
    [5, 4, 3, 2],
    [4, 4, 4, 3],
    [4, 4, 5, 3],
    [3, 4, 2, 3],
    [5, 4, 1, 4],
  ];
  const usage: UsageLevel[] = ['several', 'several', 'once', 'never', 'several'];
  await cohortOf(c.id, [
    ...pre.map((p, i) => ({ pre: p, post: post[i], reaction: reactions[i], followUp: usage[i] })),
    { post: 75 },
  ]);
  // Lviv (46): organisation А with 6 pairs and answers, organisation Б with only 4 (hidden).
  const lvivPerson = (p: number): Person => ({ pre: p, post: p + 10, reaction: [4, 4, 4, 4] });
  await cohortOf(a.id, [30, 40, 50, 60, 70, 80].map(lvivPerson));
  await cohortOf(b.id, [35, 45, 55, 65].map(lvivPerson));

  const national = await t.userWithSession('coordinator');
  await orgs.setScopes(national.user.id, ['national'], ago(1));
  const lviv = await t.userWithSession('coordinator');
  await orgs.setScopes(lviv.user.id, ['46'], ago(1));
  const vinnytsia = await t.userWithSession('coordinator');
  await orgs.setScopes(vinnytsia.user.id, ['05'], ago(1));

  type Figure = { key: string; n: number | '<5'; responseRate: number | null } & Record<string, unknown>;
  interface CourseEval {
    course: { id: string; title: { uk: string; en: string } };
    gain: (Figure & { meanGain: number | null; ci: [number, number] | null })[];
    reaction: (Figure & { items: { item: string; mean: number | null }[] })[];
    followUp: (Figure & { outcomes: { never: number | null; once: number | null; several: number | null }[] })[];
  }
  const dashboard = async (cookie: string, q = '') => {
    const res = await t.request(`/api/programme/dashboard${q}`, { cookie });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { evaluation: { courses: CourseEval[] } };
    const course = body.evaluation.courses.find((x) => x.course.id === COURSE)!;
    expect(course).toBeDefined();
    return course;
  };
  const byKey = <T extends { key: string }>(rows: T[], key: string) => rows.find((r) => r.key === key);

  it('answers the hand-computed knowledge gain, CI, d_z and share improved with their response rate', async () => {
    const e = await dashboard(vinnytsia.cookie);
    expect(e.course.title.uk.length).toBeGreaterThan(0);
    expect(e.gain.map((g) => g.key)).toEqual(['05', String(c.id)]);
    const g = byKey(e.gain, String(c.id))!;
    // Gains 20, 20, 0, 30, 20: mean 18, sd √120 = 10.9545; t(0.975, 4) = 2.7764;
    // CI 18 ± 2.7764 · 10.9545 / √5 = 18 ± 13.602; d_z = 18 / 10.9545 = 1.643;
    // SE(d_z) = √(1/5 + 1.643² / 10) = 0.6856, CI 1.643 ± 1.903.
    expect(g).toMatchObject({
      n: 5,
      meanPre: 54,
      meanPost: 72,
      meanGain: 18,
      ci: [4.4, 31.6],
      effectSize: 1.64,
      effectCi: [-0.26, 3.55],
      improved: 0.8,
      // 5 pairs of the 6 who took the final.
      responseRate: 0.833,
    });
    // The oblast is the same people.
    expect(byKey(e.gain, '05')).toMatchObject({ n: 5, meanGain: 18, ci: [4.4, 31.6] });
  });

  it('answers the reaction means and the follow-up shares, each with n and response rate', async () => {
    const e = await dashboard(vinnytsia.cookie);
    const r = byKey(e.reaction, String(c.id))!;
    expect(r.n).toBe(5);
    expect(r.responseRate).toBe(0.833); // 5 answers of 6 who completed
    expect(Object.fromEntries(r.items.map((i) => [i.item, i.mean]))).toEqual({
      relevance: 4.2,
      clarity: 4,
      confidence: 3,
      workload: 3,
    });
    const f = byKey(e.followUp, String(c.id))!;
    expect(f.n).toBe(5);
    expect(f.responseRate).toBe(0.833); // 5 of the 6 whose follow-up has opened
    expect(f.outcomes).toEqual([expect.objectContaining({ several: 0.6, once: 0.2, never: 0.2 })]);
  });

  it('hides a group of 4, and its neighbour so the oblast total cannot reveal it', async () => {
    const e = await dashboard(lviv.cookie);
    expect(e.gain.map((g) => g.key)).toEqual(['46', String(a.id), String(b.id)]);
    for (const level of ['gain', 'reaction'] as const) {
      const rows = e[level] as Figure[];
      // Б has 4: hidden. А (6) would give Б as the oblast minus А: hidden too.
      for (const key of [String(a.id), String(b.id)]) {
        const row = byKey(rows, key)!;
        expect(row.n).toBe('<5');
        expect(row.responseRate).toBeNull();
      }
      expect(byKey(rows, '46')!.n).toBe(10);
    }
    const hiddenB = byKey(e.gain, String(b.id))!;
    expect([hiddenB.meanGain, hiddenB.ci, hiddenB.effectSize, hiddenB.improved]).toEqual([null, null, null, null]);
    expect(byKey(e.reaction, String(b.id))!.items.every((i) => i.mean === null)).toBe(true);
    expect(byKey(e.gain, '46')).toMatchObject({ meanGain: 10, improved: 1, responseRate: 1 });
    // Asking for Б alone returns the same hidden cell (one computation for everybody).
    const one = await dashboard(lviv.cookie, `?organisation=${b.id}`);
    expect(one.gain).toHaveLength(1);
    expect(one.gain[0]!.n).toBe('<5');
  });

  it('shows a coordinator of another oblast nothing of it', async () => {
    const e = await dashboard(lviv.cookie);
    const keys = [...e.gain, ...e.reaction, ...e.followUp].map((g) => g.key);
    expect(keys).not.toContain('05');
    expect(keys).not.toContain(String(c.id));
    expect(keys).not.toContain('all');
    const v = await dashboard(vinnytsia.cookie);
    expect([...v.gain, ...v.reaction, ...v.followUp].map((g) => g.key)).not.toContain('46');
    const res = await t.request(`/api/programme/tables/evaluation.csv?organisation=${c.id}`, { cookie: lviv.cookie });
    expect(res.status).toBe(403);
  });

  it('answers an oblast without any organisation with zeros, not an error', async () => {
    const e = await dashboard(national.cookie, '?oblast=12');
    expect(e.gain).toEqual([expect.objectContaining({ key: '12', n: 0, meanGain: null, responseRate: null })]);
    expect(e.reaction[0]!.n).toBe(0);
  });

  it('gives the national coordinator the country and every oblast', async () => {
    const e = await dashboard(national.cookie);
    expect(e.gain.map((g) => g.key)).toEqual(['all', '05', '46']);
    expect(byKey(e.gain, 'all')!.n).toBe(15);
    expect(byKey(e.reaction, 'all')!.n).toBe(15);
    expect(byKey(e.followUp, 'all')!.n).toBe(5);
  });

  it('downloads the evaluation figures as CSV with a BOM', async () => {
    const res = await t.request(`/api/programme/tables/evaluation.csv?locale=en&oblast=05`, {
      cookie: vinnytsia.cookie,
    });
    expect(res.status).toBe(200);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    expect(text).toMatch(/"Mean gain, pp",5,83\.3,18,4\.4,31\.6/);
    expect(text).toMatch(/Relevance,5,83\.3,4\.2/);
    expect(text).toMatch(/several times, %",5,83\.3,60/);
    const lvivCsv = await (
      await t.request(`/api/programme/tables/evaluation.csv?locale=en`, { cookie: lviv.cookie })
    ).text();
    expect(lvivCsv).toMatch(/Відділ Б \(en\),"Mean gain, pp",<5,,,,/);
    expect(lvivCsv).not.toMatch(/Відділ В/);
  });

  it('prints the evaluation section in the PDF report, in Ukrainian and in English', async () => {
    const dir = tempDir();
    for (const [locale, heading, gain] of [
      ['uk', 'Приріст знань', '18.0 [4.4; 31.6]'],
      ['en', 'Knowledge gain', '18.0 [4.4; 31.6]'],
    ] as const) {
      const res = await t.request(`/api/programme/report.pdf?locale=${locale}`, { cookie: vinnytsia.cookie });
      expect(res.status).toBe(200);
      const file = path.join(dir, `report-${locale}.pdf`);
      fs.writeFileSync(file, new Uint8Array(await res.arrayBuffer()));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain(heading);
      expect(text).toContain(gain);
      expect(text).toContain('1.64 [-0.26; 3.55]');
      expect(text).not.toMatch(/not yet connected|ще не підключено/);
    }
    const lvivPdf = await t.request(`/api/programme/report.pdf?locale=en`, { cookie: lviv.cookie });
    const file = path.join(dir, 'lviv.pdf');
    fs.writeFileSync(file, new Uint8Array(await lvivPdf.arrayBuffer()));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain('Knowledge gain');
    expect(text).not.toContain('Відділ В');
    expect(text).not.toContain('18.0 [4.4; 31.6]');
  });
});
