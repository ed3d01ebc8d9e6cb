/**
 * Limits and vocabularies shared by both standards. Each constant cites the section it implements:
 * SCORM 1.2 = "SCORM Run-Time Environment Version 1.2" (ADL 2001, section 3.4 "Data Model");
 * SCORM 2004 = "SCORM 2004 4th Edition Run-Time Environment" (ADL 2009, section 4.2).
 */

export type ScormVersion = '1.2' | '2004';
export const SCORM_VERSIONS: readonly ScormVersion[] = ['1.2', '2004'];

/** `cmi.suspend_data`: CMIString4096 (1.2 RTE 3.4.2); characterstring SPM 64000 (2004 RTE 4.2.23). */
export const SUSPEND_DATA_LIMIT: Record<ScormVersion, number> = { '1.2': 4096, '2004': 64000 };

/** `cmi.core.lesson_location`: CMIString255 (1.2 RTE 3.4.2); `cmi.location`: SPM 1000 (2004 RTE 4.2.14). */
export const LOCATION_LIMIT: Record<ScormVersion, number> = { '1.2': 255, '2004': 1000 };

/** `cmi.interactions.n.student_response`: CMIFeedback, at most 255 characters (1.2 RTE 3.4.2). */
export const RESPONSE_LIMIT_12 = 255;

/** Fill-in strings: localized_string_type SPM 250 per string (2004 RTE 4.2.9.1, table "fill-in"). */
export const FILL_IN_LIMIT_2004 = 250;

/** `cmi.interactions.n.description`: localized_string_type SPM 250 (2004 RTE 4.2.9). */
export const DESCRIPTION_LIMIT_2004 = 250;

/**
 * What we keep of a stem as the interaction's description: its first 120 characters. Enough to
 * recognise the question in the LMS's report, and half the bytes: Moodle posts the whole data model,
 * URL-encoded (six bytes per Cyrillic letter), at every Commit and at Terminate, and Chromium refuses
 * beacons beyond 64 KB in flight when the page is leaving (issue #25).
 */
export const DESCRIPTION_KEPT = 120;

/** Single-character identifiers 0–9, a–z used by 1.2 choice, matching and sequencing responses (1.2 RTE 3.4.2, "cmi.interactions.n.student_response"). */
export const CHARS_12 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** The API object each standard's content looks for (1.2 RTE 3.3.6.1; 2004 RTE 3.1.2.1). */
export const API_NAME: Record<ScormVersion, 'API' | 'API_1484_11'> = { '1.2': 'API', '2004': 'API_1484_11' };

/**
 * Launch modes and credit in which the LMS does not count what the learner does: `cmi.mode` /
 * `cmi.core.lesson_mode` `browse` or `review`, `cmi.credit` / `cmi.core.credit` `no-credit`
 * (2004 RTE 4.2.5 and 4.2.18; 1.2 RTE 3.4.2). Moodle reopens a completed attempt in `review`.
 */
export type ReadOnlyReason = 'review' | 'browse' | 'no-credit';

/** Interaction types we emit (a subset of both standards' vocabularies: 1.2 RTE 3.4.2, 2004 RTE 4.2.9). */
export type InteractionType = 'true-false' | 'choice' | 'fill-in' | 'matching' | 'sequencing' | 'numeric';
