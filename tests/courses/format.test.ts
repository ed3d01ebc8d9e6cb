/** Numbers, percentages and dates in the reader's language (courses/format.ts, issue #17). */
import { describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatNumber, formatPercent, NNBSP } from '../../courses/format.ts';

describe('formatting for the reader', () => {
  it('Ukrainian: decimal comma, a narrow no-break space before % and between thousands', () => {
    expect(formatPercent(89.6, 'uk')).toBe(`89,6${NNBSP}%`);
    expect(formatPercent(80, 'uk')).toBe(`80${NNBSP}%`);
    expect(formatNumber(12345.6, 'uk')).toBe(`12${NNBSP}345,6`);
    expect(formatNumber(0.456, 'uk', 2)).toBe('0,46');
    expect(formatBytes(1_234_567, 'uk')).toBe('1,2 МБ');
  });

  it('English: decimal point, comma thousands, % glued to the number', () => {
    expect(formatPercent(89.6, 'en')).toBe('89.6%');
    expect(formatNumber(12345.6, 'en')).toBe('12,345.6');
    expect(formatBytes(1_234_567, 'en')).toBe('1.2 MB');
  });

  it('a calendar day stays that day whatever the time zone; timestamps are shown in Kyiv time', () => {
    expect(formatDate('2026-12-04', 'uk')).toBe('4 грудня 2026 р.');
    expect(formatDate('2026-12-04', 'en')).toBe('4 December 2026');
    // 23:30 UTC on 4 December is already 5 December in Kyiv.
    expect(formatDate('2026-12-04T23:30:00Z', 'en')).toBe('5 December 2026');
  });
});
