/**
 * The runtime against scorm-again's LMS APIs (in Node), with the strict SCORM 1.2 limits that
 * scorm-again does not enforce checked on every value written.
 */
import { Scorm12API, Scorm2004API } from 'scorm-again';
import { describe, expect, it } from 'vitest';
import { findApi, type FrameLike } from '../../../courses/scorm/common/api-finder.ts';
import { interactionsOf } from '../../../courses/scorm/common/interactions.ts';
import { ScormSession } from '../../../courses/scorm/common/session.ts';
import { decodeProgress } from '../../../courses/scorm/common/suspend-data.ts';
import { scoreAttempt } from '../../../courses/scoring.ts';
import { fixtures } from '../../helpers/app.ts';

const facts = { modules: ['words', 'response', 'check'], hasAssessment: true, passMark: 75 };

/** scorm-again 1.2 plus a record of every call and the strict checks it skips. */
function strict12(initial: Record<string, string> = {}) {
  const api = new Scorm12API({ autocommit: false, logLevel: 5 });
  if (Object.keys(initial).length) api.loadFromFlattenedJSON(initial);
  const calls: string[] = [];
  const values: Record<string, string> = {};
  const violations: string[] = [];
  const wrapped = {
    LMSInitialize: (a: string) => {
      calls.push('init');
      return api.LMSInitialize(a);
    },
    LMSFinish: (a: string) => {
      calls.push('finish');
      return api.LMSFinish(a);
    },
    LMSCommit: (a: string) => {
      calls.push('commit');
      return api.LMSCommit(a);
    },
    LMSGetValue: (e: string) => api.LMSGetValue(e),
    LMSSetValue: (e: string, v: string) => {
      values[e] = v;
      if (e === 'cmi.suspend_data' && v.length > 4096) violations.push(`${e} is ${v.length} characters`);
      if (e === 'cmi.core.lesson_location' && v.length > 255) violations.push(`${e} too long`);
      if (e === 'cmi.core.session_time' && !/^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/.test(v)) violations.push(`${e} "${v}"`);
      if (/student_response|pattern$/.test(e) && v.length > 255) violations.push(`${e} too long`);
      if (/\.id$/.test(e) && !/^\S{1,255}$/.test(v)) violations.push(`${e} "${v}"`);
      const r = api.LMSSetValue(e, v);
      if (String(r) !== 'true') violations.push(`scorm-again refused ${e}="${v}": ${api.LMSGetLastError()}`);
      return r;
    },
    LMSGetLastError: () => api.LMSGetLastError(),
    LMSGetErrorString: (c: string) => api.LMSGetErrorString(c),
  };
  return { api: wrapped, calls, values, violations };
}

describe('ScormSession', () => {
  const pool = fixtures().courses.get('fixture-course')!.pool!;

  it('initialises once, marks a first launch incomplete, commits each step and finishes exactly once', () => {
    const lms = strict12();
    let clock = 1_000;
    const s = new ScormSession('1.2', facts, lms.api, () => clock);
    expect(s.start()).toBe(true);
    expect(s.start()).toBe(true);
    expect(lms.calls.filter((c) => c === 'init')).toHaveLength(1);
    expect(lms.values['cmi.core.lesson_status']).toBe('incomplete');
    s.visit('m1');
    s.completeModule(0);
    expect(lms.values['cmi.core.lesson_location']).toBe('m1');
    expect(decodeProgress(lms.values['cmi.suspend_data']!, 3).done).toEqual([0]);
    const commits = lms.calls.filter((c) => c === 'commit').length;
    expect(commits).toBeGreaterThanOrEqual(3);
    clock += 3_723_450;
    s.finish();
    s.finish();
    expect(lms.calls.filter((c) => c === 'finish')).toHaveLength(1);
    expect(lms.values['cmi.core.session_time']).toBe('0001:02:03.45');
    expect(lms.values['cmi.core.exit']).toBe('suspend');
    expect(lms.violations).toEqual([]);
    expect(s.errors).toEqual([]);
  });

  it('records a 200-interaction attempt within 1.2 limits and keeps the open attempt out of suspend_data when it would overflow', () => {
    const lms = strict12();
    const s = new ScormSession('1.2', facts, lms.api);
    s.start();
    s.setDraft('x'.repeat(4100));
    expect(s.draftDropped).toBe(true);
    expect(lms.values['cmi.suspend_data']!.length).toBeLessThanOrEqual(4096);
    const q = pool.find((x) => x.type === 'text')!;
    const many = Array.from({ length: 200 }, (_, i) => ({ ...q, id: `t-${i}` }));
    const responses = Object.fromEntries(many.map((x) => [x.id, 'я'.repeat(500)]));
    const scored = scoreAttempt(many, responses);
    s.recordAttempt({
      score: scored.score,
      passed: false,
      interactions: interactionsOf(many, responses, scored.questions, 'uk', new Date()),
    });
    expect(lms.values['cmi.interactions.199.id']).toBe('t-199');
    expect(lms.values['cmi.interactions.199.student_response']).toHaveLength(255);
    expect(lms.values['cmi.core.lesson_status']).toBe('failed');
    expect(s.draftDropped).toBe(false);
    expect(lms.violations).toEqual([]);
  });

  it('resumes: reads suspend_data and the bookmark, does not reset the status', () => {
    const lms = strict12({
      'cmi.core.lesson_status': 'incomplete',
      'cmi.suspend_data': 'o1|m2|3|0|||0|',
      'cmi.core.lesson_location': 'm2',
      'cmi.core.entry': 'resume',
    });
    const s = new ScormSession('1.2', facts, lms.api);
    s.start();
    expect(s.entry).toBe('resume');
    expect(s.progress).toMatchObject({ bookmark: 'm2', done: [0, 1] });
    expect(lms.values['cmi.core.lesson_status']).toBeUndefined();
  });

  it('ignores suspend_data it cannot read, and says why', () => {
    const lms = strict12({ 'cmi.core.lesson_status': 'incomplete', 'cmi.suspend_data': "somebody else's data" });
    const s = new ScormSession('1.2', facts, lms.api);
    s.start();
    expect(s.progress.done).toEqual([]);
    expect(s.errors.join()).toMatch(/suspend_data ignored/);
  });

  it('SCORM 2004: completion, success, progress and every score element (Moodle reads raw)', () => {
    const api = new Scorm2004API({ autocommit: false, logLevel: 5 });
    const s = new ScormSession('2004', facts, api as unknown as Record<string, unknown>);
    s.start();
    expect(api.GetValue('cmi.completion_status')).toBe('incomplete');
    [0, 1, 2].forEach((i) => s.completeModule(i));
    s.recordAttempt({ score: 87.5, passed: true, interactions: [] });
    expect(api.GetValue('cmi.completion_status')).toBe('completed');
    expect(api.GetValue('cmi.success_status')).toBe('passed');
    expect([
      api.GetValue('cmi.score.raw'),
      api.GetValue('cmi.score.min'),
      api.GetValue('cmi.score.max'),
      api.GetValue('cmi.score.scaled'),
    ]).toEqual(['87.5', '0', '100', '0.875']);
    expect(api.GetValue('cmi.progress_measure')).toBe('1');
    expect(s.errors).toEqual([]);
  });

  it('without an LMS the course still works in memory and reports nothing', () => {
    const s = new ScormSession('2004', facts, null);
    expect(s.start()).toBe(false);
    s.completeModule(1);
    expect(s.tracking).toBe(false);
    expect(s.progress.done).toEqual([1]);
    s.finish();
  });
});

describe('finding the LMS API', () => {
  const API = { LMSInitialize() {} };
  const crossOrigin = (parent: FrameLike | null): FrameLike =>
    new Proxy({ parent } as FrameLike, {
      get(t, k) {
        if (k === 'parent') return t.parent;
        throw new DOMException('Blocked a frame with origin', 'SecurityError');
      },
    });

  it('looks in the window, then up the parent chain', () => {
    const top: FrameLike & { API?: unknown } = { parent: null, API };
    top.parent = top;
    const mid: FrameLike = { parent: top };
    const win: FrameLike = { parent: mid };
    expect(findApi(win, 'API')).toBe(API);
    expect(findApi({ parent: null, API_1484_11: API } as FrameLike, 'API_1484_11')).toBe(API);
  });

  it('walks past frames of another origin (their properties throw) and finds the API above them', () => {
    const top: FrameLike & { API?: unknown } = { parent: null, API };
    const win: FrameLike = { parent: crossOrigin(top) };
    expect(findApi(win, 'API')).toBe(API);
  });

  it('then tries the opener (a course launched in a new window)', () => {
    const lmsWindow = { parent: null, API } as FrameLike;
    const popup: FrameLike = { parent: null, opener: lmsWindow };
    expect(findApi(popup, 'API')).toBe(API);
    expect(findApi(popup, 'API', { opener: false })).toBeNull();
  });

  it('returns null when there is no API, even behind a blocked opener', () => {
    const win = {
      parent: null,
      get opener(): FrameLike {
        throw new DOMException('blocked', 'SecurityError');
      },
    } as FrameLike;
    expect(findApi(win, 'API')).toBeNull();
  });
});
