/**
 * The runtime in a Moodle-like LMS (scorm-again behind Moodle's relaunch, load and save rules, see
 * `moodle-like.ts`): the two defects seen in a real Moodle 4.5 (issue #25) — a relaunch after a pass
 * that wiped the result, and a last save refused by the browser's beacon quota.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentFsFrom, loadCatalog } from '../../../courses/catalog.ts';
import type { Question, Response } from '../../../courses/schema/question.ts';
import { correctResponse, isPassed, scoreAttempt, toScormScore } from '../../../courses/scoring.ts';
import { drawFromSeed } from '../../../courses/scorm/common/draft.ts';
import { interactionsOf } from '../../../courses/scorm/common/interactions.ts';
import { ScormSession } from '../../../courses/scorm/common/session.ts';
import { decodeProgress } from '../../../courses/scorm/common/suspend-data.ts';
import { fixtures } from '../../helpers/app.ts';
import { MoodleLike } from './moodle-like.ts';

const facts = { modules: ['words', 'response', 'check'], hasAssessment: true, passMark: 75 };
const pool = fixtures().courses.get('fixture-course')!.pool!;

/** A wrong response for every type (the first option that is not right, a reversed order…). */
function wrongResponse(q: Question): Response {
  switch (q.type) {
    case 'single':
      return q.options.find((o) => !o.correct)!.id;
    case 'multiple':
      return q.options.filter((o) => !o.correct).map((o) => o.id);
    case 'true-false':
      return !q.answer;
    case 'matching':
      return Object.fromEntries(q.pairs.map((p, i) => [p.id, q.pairs[(i + 1) % q.pairs.length]!.id]));
    case 'ordering':
      return [...q.items].reverse().map((i) => i.id);
    case 'numeric':
      return q.answer + q.tolerance + 100;
    case 'text':
      return 'something else';
  }
}

/** Submit an attempt over `questions` the way the SCORM assessment does (local-backend.ts). */
function attempt(s: ScormSession, questions: Question[], right: boolean, locale: 'uk' | 'en' = 'en') {
  const responses = Object.fromEntries(questions.map((q) => [q.id, right ? correctResponse(q) : wrongResponse(q)]));
  const scored = scoreAttempt(questions, responses);
  const score = toScormScore(scored.score).raw;
  s.recordAttempt({
    score,
    passed: isPassed(score, s.facts.passMark),
    interactions: interactionsOf(questions, responses, scored.questions, locale, new Date(2026, 11, 4, 16, 37, 21)),
  });
}

const STATUS = {
  '1.2': (t: Record<string, string>) => ({ status: t['cmi.core.lesson_status'], raw: t['cmi.core.score.raw'] }),
  '2004': (t: Record<string, string>) => ({
    status: `${t['cmi.completion_status']}/${t['cmi.success_status']}`,
    raw: t['cmi.score.raw'],
  }),
};
const PASSED = { '1.2': 'passed', '2004': 'completed/passed' };

describe('relaunching a passed course in a Moodle-like LMS', () => {
  for (const version of ['1.2', '2004'] as const) {
    describe(`SCORM ${version}`, () => {
      /** First visit: every module, a 100 % pass, leave. */
      function pass(lms: MoodleLike) {
        const l = lms.launch();
        const s = new ScormSession(version, facts, l.api);
        s.start();
        facts.modules.forEach((_, i) => s.completeModule(i));
        attempt(s, pool, true);
        l.pagehide();
        s.finish();
        expect(STATUS[version](lms.tracks)).toEqual({ status: PASSED[version], raw: '100' });
        return s;
      }

      it('an all-wrong retake in the review Moodle opens after a pass records nothing: the pass and the 100 stay', () => {
        const lms = new MoodleLike(version);
        pass(lms);
        const l = lms.launch();
        expect(l.mode).toBe('review');
        const s = new ScormSession(version, facts, l.api);
        s.start();
        expect(s.readOnly).toBe('review');
        // The learner sees their own course: finished modules and best score come from suspend_data.
        expect(s.progress).toMatchObject({ done: [0, 1, 2], best: 100, passed: true });
        attempt(s, pool, false);
        expect(s.progress.best).toBe(100);
        l.pagehide();
        s.finish();
        expect(STATUS[version](lms.tracks)).toEqual({ status: PASSED[version], raw: '100' });
        // Nothing at all was written in review: no status, score, interactions, exit or session time.
        expect(l.calls.filter((c) => c.startsWith('set '))).toEqual([]);
        expect(l.calls).toEqual(['init', 'terminate']);
      });

      it('just opening the passed course and leaving changes nothing (status, score, suspend data)', () => {
        const lms = new MoodleLike(version);
        pass(lms);
        const before = { ...lms.tracks };
        const l = lms.launch();
        const s = new ScormSession(version, facts, l.api);
        s.start();
        l.pagehide();
        s.finish();
        expect(lms.tracks).toEqual(before);
      });

      it('the package suspends after completion too, so the LMS hands the same attempt back with its suspend data', () => {
        const lms = new MoodleLike(version);
        pass(lms);
        expect(lms.tracks[version === '1.2' ? 'cmi.core.exit' : 'cmi.exit']).toBe('suspend');
        expect(decodeProgress(lms.tracks['cmi.suspend_data']!, 3)).toMatchObject({ best: 100, passed: true });
      });

      it('in normal mode (an LMS that does not force review) a retake after a pass never lowers the recorded score', () => {
        const lms = new MoodleLike(version);
        pass(lms);
        // Same attempt, opened for credit (another LMS, or Moodle with "Mastery score overrides status" off…).
        const tracks = lms.tracks;
        tracks[version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.completion_status'] = 'incomplete';
        const l = lms.launch();
        expect(l.mode).toBe('normal');
        const s = new ScormSession(version, facts, l.api);
        s.start();
        expect(s.readOnly).toBeNull();
        attempt(s, pool, false);
        l.pagehide();
        s.finish();
        expect(STATUS[version](lms.tracks).raw).toBe('100');
        expect(lms.tracks[version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.success_status']).toBe('passed');
      });

      it('"Force new attempt: when previous attempt completed" starts a blank attempt; the first keeps its 100', () => {
        const lms = new MoodleLike(version, 'when-completed');
        pass(lms);
        const l = lms.launch();
        expect(l.mode).toBe('normal');
        const s = new ScormSession(version, facts, l.api);
        s.start();
        expect(s.progress.done).toEqual([]);
        attempt(s, pool, false);
        l.pagehide();
        s.finish();
        expect(lms.attempts).toHaveLength(2);
        expect(STATUS[version](lms.attempts[0]!)).toEqual({ status: PASSED[version], raw: '100' });
        expect(lms.attempts[1]![version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.success_status']).toBe('failed');
        expect(Number(STATUS[version](lms.attempts[1]!).raw)).toBeLessThan(10);
      });
    });
  }

  it('browse mode and no-credit record nothing either', () => {
    for (const extra of [{ 'cmi.mode': 'browse', 'cmi.credit': 'no-credit' }, { 'cmi.credit': 'no-credit' }]) {
      const lms = new MoodleLike('2004');
      const l = lms.launch();
      // Patch the launch data the way Moodle's "Preview" (browse) or a no-credit enrolment hands it over.
      const s = new ScormSession('2004', facts, {
        ...l.api,
        GetValue: (e: string) =>
          e in extra ? extra[e as keyof typeof extra] : (l.api.GetValue as (e: string) => string)(e),
      });
      s.start();
      expect(s.readOnly).toBe(extra['cmi.mode' as keyof typeof extra] ?? 'no-credit');
      s.completeModule(0);
      attempt(s, pool, true);
      expect(s.progress.done).toEqual([0]);
      s.finish();
      expect(l.calls).toEqual(['init', 'terminate']);
    }
  });
});

describe('the last save on pagehide fits one beacon', () => {
  const catalog = loadCatalog(contentFsFrom(fs), 'content');

  /** A learner in `locale` studies every module of `slug` and submits `attempts` full assessment attempts. */
  function longSession(slug: string, version: '1.2' | '2004', attempts: number, locale: 'uk' | 'en' = 'uk') {
    const course = catalog.courses.get(slug)!;
    const settings = course.course.assessment!;
    const modules = course.course.modules;
    const lms = new MoodleLike(version);
    const l = lms.launch();
    const s = new ScormSession(version, { modules, hasAssessment: true, passMark: course.course.passMark }, l.api);
    s.start();
    modules.forEach((_, i) => s.completeModule(i));
    for (let k = 0; k < attempts; k++) {
      const { questions } = drawFromSeed(course.pool!, settings.questions, 1000 + k);
      attempt(s, questions, k === attempts - 1, locale);
    }
    return { lms, l, s };
  }

  it('a Moodle-like LMS that sends each save on pagehide as a beacon (64 KB in flight) gets the terminate, with exit and session time', () => {
    const { lms, l, s } = longSession('initial-online-abuse', '2004', 2);
    l.pagehide();
    s.finish();
    // One request on the way out: Terminate persists (2004 RTE 3.1.3.2), a Commit before it is a second full post.
    expect(l.beacons.map((b) => b.call)).toEqual(['terminate']);
    expect(l.beacons.every((b) => b.accepted)).toBe(true);
    expect(lms.tracks['cmi.exit']).toBe('suspend');
    expect(lms.tracks['cmi.total_time']).toMatch(/^PT/); // added by the Terminate post only
  });

  it('three full assessment attempts plus every module keep what Moodle posts at terminate under 48 KB', () => {
    const sizes: string[] = [];
    for (const slug of ['initial-online-abuse', 'inservice-refresher', 'prevention-in-schools'])
      for (const version of ['1.2', '2004'] as const) {
        const { l, s } = longSession(slug, version, 3);
        l.pagehide();
        s.finish();
        const last = l.posts.at(-1)!;
        expect(last.call).toBe('terminate');
        sizes.push(`${slug} ${version}: ${(last.bytes / 1024).toFixed(1)} KB`);
        expect(last.bytes, `${slug} SCORM ${version}`).toBeLessThan(48 * 1024);
      }
    console.log(sizes.join('\n'));
  });

  it('a retaken question updates its own SCORM 2004 interaction instead of adding another', () => {
    const { lms } = longSession('initial-online-abuse', '2004', 3);
    const ids = Object.entries(lms.tracks)
      .filter(([k]) => /^cmi\.interactions\.\d+\.id$/.test(k))
      .map(([, v]) => v);
    expect(new Set(ids).size).toBe(ids.length);
    // The last attempt (all right) is what each touched question shows.
    const drawn = drawFromSeed(catalog.courses.get('initial-online-abuse')!.pool!, 24, 1002).questions.map((q) => q.id);
    for (const id of drawn) {
      const n = Object.entries(lms.tracks)
        .find(([k, v]) => /\.id$/.test(k) && v === id)![0]
        .split('.')[2];
      expect(lms.tracks[`cmi.interactions.${n}.result`]).toBe('correct');
    }
    expect(Number(lms.tracks['cmi.score.raw'])).toBe(100);
  });

  it("interaction descriptions keep the stem's first 120 characters", () => {
    const { lms } = longSession('inservice-refresher', '2004', 1);
    const descriptions = Object.entries(lms.tracks).filter(([k]) => /\.description$/.test(k));
    expect(descriptions.length).toBeGreaterThan(0);
    expect(Math.max(...descriptions.map(([, v]) => v.length))).toBe(120);
  });
});
