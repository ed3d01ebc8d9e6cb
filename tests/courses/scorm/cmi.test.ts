import { describe, expect, it } from 'vitest';
import { interactionsOf } from '../../../courses/scorm/common/interactions.ts';
import { courseStatus } from '../../../courses/scorm/common/status.ts';
import { emptyProgress } from '../../../courses/scorm/common/suspend-data.ts';
import {
  ISO8601_DURATION,
  iso8601Duration,
  SCORM12_TIMESPAN,
  scorm12Timespan,
} from '../../../courses/scorm/common/time.ts';
import { format12, result12 } from '../../../courses/scorm/scorm12/cmi.ts';
import { format2004, result2004 } from '../../../courses/scorm/scorm2004/cmi.ts';
import { scoreAttempt } from '../../../courses/scoring.ts';
import { fixtures } from '../../helpers/app.ts';

describe('session time', () => {
  it('SCORM 1.2 CMITimespan HHHH:MM:SS.SS (strict: scorm-again would also take 1:02:03)', () => {
    expect(scorm12Timespan(0)).toBe('0000:00:00.00');
    expect(scorm12Timespan(3_723_450)).toBe('0001:02:03.45');
    expect(scorm12Timespan(1e12)).toBe('9999:59:59.99');
    for (const ms of [0, 999, 61_000, 3_599_999, 360_000_000])
      expect(scorm12Timespan(ms)).toMatch(/^\d{4}:[0-5]\d:[0-5]\d\.\d{2}$/);
    expect(SCORM12_TIMESPAN.test('1:02:03')).toBe(false);
  });

  it('SCORM 2004 ISO 8601 durations', () => {
    expect(iso8601Duration(0)).toBe('PT0S');
    expect(iso8601Duration(3_723_450)).toBe('PT1H2M3.45S');
    expect(iso8601Duration(120_000)).toBe('PT2M');
    expect(iso8601Duration(1_500)).toBe('PT1.5S');
    for (const ms of [0, 10, 59_990, 3_600_000, 86_400_000]) expect(iso8601Duration(ms)).toMatch(ISO8601_DURATION);
  });
});

describe("interactions in each standard's response format", () => {
  const pool = fixtures().courses.get('fixture-course')!.pool!;
  const responses = {
    'g-single': 'a',
    'g-multiple': ['b', 'a'],
    'g-tf': true,
    'g-matching': { p1: 'p1', p2: 'p3', p3: 'p2' },
    'g-ordering': ['record', 'isolate', 'hand'],
    'g-numeric': 16,
    'g-text': '116 111',
  };
  const scored = scoreAttempt(pool, responses);
  const ix = interactionsOf(pool, responses, scored.questions, 'en', new Date(2026, 0, 2, 3, 4, 5));
  const byId = Object.fromEntries(ix.map((i) => [i.id, i]));

  it('one interaction per answered question (unanswered questions get none)', () => {
    expect(ix.map((i) => i.id).sort()).toEqual(Object.keys(responses).sort());
    expect(byId['g-ordering']!.type).toBe('sequencing');
    expect(byId['g-text']!.type).toBe('fill-in');
  });

  it('SCORM 1.2: single characters, comma-separated, matching as source.target', () => {
    expect(format12(byId['g-multiple']!.learner)).toBe('a,b');
    expect(format12(byId['g-matching']!.learner)).toBe('0.a,1.c,2.b');
    expect(format12(byId['g-matching']!.correct)).toBe('0.a,1.b,2.c');
    expect(format12(byId['g-ordering']!.learner)).toBe('b,a,c');
    expect(format12(byId['g-tf']!.learner)).toBe('t');
    expect(format12(byId['g-numeric']!.correct)).toBe('16');
    expect(format12({ kind: 'fill-in', text: 'я'.repeat(600) })).toHaveLength(255);
    expect(result12(1)).toBe('correct');
    expect(result12(0)).toBe('wrong');
    expect(result12(1 / 3)).toBe('0.33');
  });

  it('SCORM 2004: [,] and [.] delimiters, numeric ranges, fill-in patterns', () => {
    expect(format2004(byId['g-multiple']!.learner)).toEqual(['a[,]b']);
    expect(format2004(byId['g-matching']!.learner)).toEqual(['p1[.]p1[,]p2[.]p3[,]p3[.]p2']);
    expect(format2004(byId['g-ordering']!.correct)).toEqual(['isolate[,]record[,]hand']);
    expect(format2004(byId['g-tf']!.learner)).toEqual(['true']);
    expect(format2004(byId['g-numeric']!.correct)).toEqual(['16[:]16']);
    expect(format2004(byId['g-text']!.correct)).toEqual(['{case_matters=false}116 111']);
    expect(format2004({ kind: 'fill-in', text: '{lang=x} looks like a delimiter' }, 'en')).toEqual([
      '{lang=en}{lang=x} looks like a delimiter',
    ]);
    expect(result2004(0)).toBe('incorrect');
    expect(result2004(2 / 3)).toBe('0.6667');
  });
});

describe('course status', () => {
  const facts = { modules: ['a', 'b'], hasAssessment: true, passMark: 75 };
  it('incomplete until every module is done and an attempt is made; passed or failed by the best attempt', () => {
    expect(courseStatus(facts, emptyProgress())).toEqual({
      completion: 'incomplete',
      success: 'unknown',
      progress: 0,
      score: null,
    });
    expect(courseStatus(facts, { ...emptyProgress(), done: [0, 1] })).toMatchObject({
      completion: 'incomplete',
      progress: 0.66,
    });
    expect(
      courseStatus(facts, { ...emptyProgress(), done: [0, 1], attempts: 2, best: 80, last: 60, passed: true }),
    ).toEqual({ completion: 'completed', success: 'passed', progress: 1, score: 80 });
    expect(courseStatus(facts, { ...emptyProgress(), attempts: 1, best: 10, last: 10 })).toMatchObject({
      completion: 'incomplete',
      success: 'failed',
      score: 10,
    });
  });
  it('a course without an assessment is completed by its modules and has no score', () => {
    const plain = { ...facts, hasAssessment: false };
    expect(courseStatus(plain, { ...emptyProgress(), done: [0, 1] })).toEqual({
      completion: 'completed',
      success: 'unknown',
      progress: 1,
      score: null,
    });
  });
});
