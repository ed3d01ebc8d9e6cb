/** Certification cycles (issue #18, item 6), pure: which cycle is open, which attempts count, the deadline. */
import { describe, expect, it } from 'vitest';
import { attemptsInCycle, currentCycle, renewalOpensAt } from '../../courses/cycles.ts';
import { fixtures } from '../helpers/app.ts';

// The fixture course: certificates valid 12 months, 3 attempts, renewal window 60 days (the default).
const course = fixtures().courses.get('fixture-course')!.course;
const attempt = (started_at: string, passed = 0) => ({
  id: started_at,
  started_at,
  submitted_at: started_at,
  passed,
  score: passed ? 90 : 40,
});
const at = (iso: string) => new Date(iso);

describe('certification cycles', () => {
  it('before any completion: the initial cycle, every attempt counts, the cohort due date is the deadline', () => {
    const c = currentCycle(course, [], [attempt('2026-01-01T00:00:00.000Z')], at('2026-02-01T00:00:00Z'), '2026-03-01');
    expect(c).toEqual({
      index: 0,
      kind: 'initial',
      opensAt: null,
      completed: false,
      nextOpensAt: null,
      deadline: '2026-03-01',
      attemptsUsed: 1,
      attemptsLeft: 2,
    });
  });

  it('certified: the cycle is completed until the renewal window opens 60 days before expiry', () => {
    const done = [{ completed_at: '2026-01-10T10:00:00.000Z' }];
    const used = ['2026-01-08T00:00:00.000Z', '2026-01-09T00:00:00.000Z', '2026-01-10T09:00:00.000Z'].map((s, i) =>
      attempt(s, i === 2 ? 1 : 0),
    );
    expect(renewalOpensAt(course, done[0]!.completed_at)!.toISOString()).toBe('2026-11-11T10:00:00.000Z');
    const certified = currentCycle(course, done, used, at('2026-11-11T09:59:59Z'));
    expect(certified).toMatchObject({
      index: 0,
      completed: true,
      attemptsLeft: 0,
      nextOpensAt: '2026-11-11T10:00:00.000Z',
    });
    const renewal = currentCycle(course, done, used, at('2026-11-11T10:00:00Z'));
    expect(renewal).toMatchObject({
      index: 1,
      kind: 'renewal',
      opensAt: '2026-11-11T10:00:00.000Z',
      completed: false,
      deadline: '2027-01-10T10:00:00.000Z',
      attemptsUsed: 0,
      attemptsLeft: 3,
    });
    expect(attemptsInCycle(renewal, used)).toEqual([]);
  });

  it('an overdue renewal stays open after expiry; a second renewal follows the second certificate', () => {
    const done = [{ completed_at: '2026-01-10T10:00:00.000Z' }];
    expect(currentCycle(course, done, [], at('2027-03-01T00:00:00Z'))).toMatchObject({ index: 1, completed: false });
    const twice = [...done, { completed_at: '2027-03-01T00:00:00.000Z' }];
    expect(currentCycle(course, twice, [], at('2027-06-01T00:00:00Z'))).toMatchObject({ index: 1, completed: true });
    expect(currentCycle(course, twice, [], at('2028-01-01T00:00:00Z'))).toMatchObject({
      index: 2,
      opensAt: '2028-01-01T00:00:00.000Z',
      deadline: '2028-03-01T00:00:00.000Z',
    });
  });

  it('a certificate that never expires has one cycle for good', () => {
    const forever = { ...course, certificateValidityMonths: null };
    const done = [{ completed_at: '2026-01-10T10:00:00.000Z' }];
    expect(renewalOpensAt(forever, done[0]!.completed_at)).toBeNull();
    expect(currentCycle(forever, done, [], at('2036-01-01T00:00:00Z'))).toMatchObject({
      index: 0,
      completed: true,
      nextOpensAt: null,
    });
  });
});
