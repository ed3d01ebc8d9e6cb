/**
 * The LMS API as one interface over both standards' method names (1.2 RTE 3.3: `LMSInitialize`…;
 * 2004 RTE 3.1: `Initialize`…), and the version-specific data-model writers (`Dialect`).
 */
import type { Interaction } from './interactions.ts';
import type { CourseFacts, CourseStatus } from './status.ts';
import type { ReadOnlyReason, ScormVersion } from './spec.ts';

export interface Lms {
  version: ScormVersion;
  initialize(): boolean;
  get(element: string): string;
  set(element: string, value: string): boolean;
  commit(): boolean;
  terminate(): boolean;
  /** `<code>: <message>` of the last call, or '' when it succeeded. */
  lastError(): string;
}

type Fn = (...a: string[]) => unknown;
const ok = (v: unknown) => v === true || v === 'true';

/** Wrap the API object the LMS provides; throws when it lacks the standard's methods. */
export function lmsFor(version: ScormVersion, api: Record<string, unknown>): Lms {
  const names =
    version === '1.2'
      ? [
          'LMSInitialize',
          'LMSGetValue',
          'LMSSetValue',
          'LMSCommit',
          'LMSFinish',
          'LMSGetLastError',
          'LMSGetErrorString',
        ]
      : ['Initialize', 'GetValue', 'SetValue', 'Commit', 'Terminate', 'GetLastError', 'GetErrorString'];
  const missing = names.filter((n) => typeof api[n] !== 'function');
  if (missing.length) throw new Error(`the LMS API lacks ${missing.join(', ')}`);
  const [init, get, set, commit, finish, lastError, errorString] = names.map((n) => (api[n] as Fn).bind(api)) as Fn[];
  return {
    version,
    initialize: () => ok(init!('')),
    get: (e) => String(get!(e) ?? ''),
    set: (e, v) => ok(set!(e, v)),
    commit: () => ok(commit!('')),
    terminate: () => ok(finish!('')),
    lastError: () => {
      const code = String(lastError!() ?? '0');
      return code === '0' || code === '' ? '' : `${code}: ${String(errorString!(code) ?? '')}`;
    },
  };
}

/** What differs between the standards' data models. */
export interface Dialect {
  version: ScormVersion;
  location: string;
  suspendData: string;
  /** The launch mode (`normal`, `browse`, `review`) and credit (`credit`, `no-credit`) elements. */
  mode: string;
  credit: string;
  /** True when the LMS says the learner has never attempted the SCO. */
  firstLaunch(lms: Lms): boolean;
  /** Mark the SCO incomplete (first launch). */
  markIncomplete(lms: Lms): void;
  writeStatus(lms: Lms, status: CourseStatus, facts: CourseFacts): void;
  /** Write interaction `n`. */
  writeInteraction(lms: Lms, n: number, ix: Interaction): void;
  /** Write session time and `suspend` as the exit mode. */
  writeExit(lms: Lms, sessionMs: number): void;
  interactionCount(lms: Lms): number;
  /**
   * The ids of the interactions already stored, by index, when the SCO may read them back and update
   * them (2004: `cmi.interactions.n.id` is read/write, RTE 4.2.9); null when they are write-only (1.2).
   */
  interactionIds(lms: Lms): string[] | null;
}

/** Why the LMS will not count this launch, from its mode and credit; null when it will. */
export function readOnlyReason(dialect: Dialect, lms: Lms): ReadOnlyReason | null {
  const mode = lms.get(dialect.mode);
  if (mode === 'review' || mode === 'browse') return mode;
  return lms.get(dialect.credit) === 'no-credit' ? 'no-credit' : null;
}
