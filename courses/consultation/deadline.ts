/**
 * Response-time targets (issue #24): the first answer to an urgent request is due 24 hours after it
 * was opened; to a routine one, 3 working days after (weekends and Ukrainian public holidays do not
 * count). Working days are judged by the calendar date in Kyiv; the due time is the same time of day
 * on the third working day after the day the request was opened.
 */
export const URGENT_HOURS = 24;
export const ROUTINE_WORKING_DAYS = 3;
const DAY = 24 * 60 * 60 * 1000;

const kyivDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Kyiv',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  weekday: 'short',
});

/** The Kyiv calendar date (YYYY-MM-DD) and whether it is a Saturday or Sunday. */
function kyivDay(t: Date): { date: string; weekend: boolean } {
  const parts = Object.fromEntries(kyivDate.formatToParts(t).map((p) => [p.type, p.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekend: parts.weekday === 'Sat' || parts.weekday === 'Sun',
  };
}

export function isWorkingDay(t: Date, holidays: ReadonlySet<string>): boolean {
  const d = kyivDay(t);
  return !d.weekend && !holidays.has(d.date);
}

/** When the first answer is due. */
export function firstResponseDue(openedAt: Date, urgency: 'routine' | 'urgent', holidays: ReadonlySet<string>): Date {
  if (urgency === 'urgent') return new Date(openedAt.getTime() + URGENT_HOURS * 60 * 60 * 1000);
  let t = openedAt.getTime();
  let counted = 0;
  while (counted < ROUTINE_WORKING_DAYS) {
    t += DAY;
    if (isWorkingDay(new Date(t), holidays)) counted++;
  }
  return new Date(t);
}

/** Open (not yet answered) past its due time. */
export const isOverdue = (r: { due_at: string; first_response_at: string | null; status: string }, now: Date) =>
  r.status !== 'closed' && !r.first_response_at && Date.parse(r.due_at) < now.getTime();

/** The median of a list of durations (ms); null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
