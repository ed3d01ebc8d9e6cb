/** Response-time targets: 24 h for urgent, 3 working days for routine, skipping weekends and holidays (data). */
import { describe, expect, it } from 'vitest';
import { firstResponseDue, isOverdue, median } from '../../courses/consultation/deadline.ts';
import { consultationData } from '../../api/consultation/data.ts';

const H = consultationData().holidays;
const due = (at: string, u: 'routine' | 'urgent') => firstResponseDue(new Date(at), u, H).toISOString();

describe('first-response targets', () => {
  it('loads the authored holidays (with their source) and topics', () => {
    expect(H.has('2026-12-25')).toBe(true);
    expect(H.has('2027-08-24')).toBe(true);
    expect(
      consultationData()
        .topics.filter((t) => t.wellbeing)
        .map((t) => t.id),
    ).toEqual(['own-wellbeing']);
  });
  it('urgent: 24 hours, weekends included', () => {
    expect(due('2026-12-05T10:00:00Z', 'urgent')).toBe('2026-12-06T10:00:00.000Z');
  });
  it('routine: 3 working days, skipping the weekend', () => {
    expect(due('2026-12-07T09:00:00Z', 'routine')).toBe('2026-12-10T09:00:00.000Z'); // Mon → Thu
    expect(due('2026-12-04T09:00:00Z', 'routine')).toBe('2026-12-09T09:00:00.000Z'); // Fri → Wed
    expect(due('2026-12-05T09:00:00Z', 'routine')).toBe('2026-12-09T09:00:00.000Z'); // Sat → Wed
  });
  it('routine: skips public holidays (Christmas on Friday 25 December 2026)', () => {
    // Wed 23 → Thu 24 (1), Fri 25 holiday, Mon 28 (2), Tue 29 (3).
    expect(due('2026-12-23T09:00:00Z', 'routine')).toBe('2026-12-29T09:00:00.000Z');
    // Without the holiday it would be Mon 28.
    expect(firstResponseDue(new Date('2026-12-23T09:00:00Z'), 'routine', new Set()).toISOString()).toBe(
      '2026-12-28T09:00:00.000Z',
    );
  });
  it('judges the day in Kyiv: 23:30 UTC on Sunday is already Monday there', () => {
    // Sun 23:30 UTC = Mon 01:30 Kyiv: Tue (1), Wed (2), Thu (3) in Kyiv → Wed 23:30 UTC.
    expect(due('2026-12-06T23:30:00Z', 'routine')).toBe('2026-12-09T23:30:00.000Z');
  });
  it('flags overdue only while unanswered and not closed', () => {
    const now = new Date('2026-12-11T00:00:00Z');
    const r = { due_at: '2026-12-10T09:00:00Z', first_response_at: null, status: 'open' };
    expect(isOverdue(r, now)).toBe(true);
    expect(isOverdue({ ...r, first_response_at: '2026-12-09T00:00:00Z' }, now)).toBe(false);
    expect(isOverdue({ ...r, status: 'closed' }, now)).toBe(false);
  });
  it('median', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
