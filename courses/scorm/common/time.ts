/** Time formats of the two standards. */

/**
 * SCORM 1.2 CMITimespan `HHHH:MM:SS.SS` (1.2 RTE 3.4.2): hours 2–4 digits, seconds with up to two
 * decimals. We always write four hour digits and two decimals; 9999:59:59.99 is the largest value.
 */
export function scorm12Timespan(ms: number): string {
  const cs = Math.min(Math.max(0, Math.round(ms / 10)), (9999 * 3600 + 59 * 60 + 59) * 100 + 99);
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = (cs % 6000) / 100;
  return `${String(h).padStart(4, '0')}:${String(m).padStart(2, '0')}:${s.toFixed(2).padStart(5, '0')}`;
}

/** The strict CMITimespan pattern (scorm-again also accepts `1:02:03`, which the standard does not). */
export const SCORM12_TIMESPAN = /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/;

/** SCORM 1.2 CMITime `HH:MM:SS` (time of day, 1.2 RTE 3.4.2 `cmi.interactions.n.time`). */
export function scorm12Time(d: Date): string {
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/**
 * SCORM 2004 timeinterval (second,10,2): an ISO 8601 duration such as `PT1H2M3.45S`
 * (2004 RTE 4.2.26 `cmi.session_time`); zero is `PT0S`.
 */
export function iso8601Duration(ms: number): string {
  const cs = Math.max(0, Math.round(ms / 10));
  const h = Math.floor(cs / 360000);
  const m = Math.floor((cs % 360000) / 6000);
  const s = (cs % 6000) / 100;
  let out = 'PT';
  if (h) out += `${h}H`;
  if (m) out += `${m}M`;
  if (s || (!h && !m)) out += `${Number.isInteger(s) ? s : s.toFixed(2).replace(/0$/, '')}S`;
  return out;
}

export const ISO8601_DURATION = /^P(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,2})?S)?)?$/;

/** SCORM 2004 time(second,10,0) `YYYY-MM-DDThh:mm:ss` (2004 RTE 4.2.9 `cmi.interactions.n.timestamp`). */
export function iso8601Timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
