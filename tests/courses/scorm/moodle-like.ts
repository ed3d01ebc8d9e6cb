/**
 * A Moodle-like LMS over scorm-again, for the tests: what Moodle 4.5's SCORM player does around the
 * API object, reduced to the parts that decide whether a learner keeps their result.
 *
 * - Relaunch (mod/scorm/locallib.php `scorm_check_mode`): an attempt whose status is completed,
 *   passed or failed is reopened in `review` mode (`credit` = `no-credit`) unless a new attempt is
 *   forced; a new attempt starts blank.
 * - The data handed to the SCO (datamodels/scorm_13lib.php `get_scorm_default`): in SCORM 2004 the
 *   stored elements are loaded only when the last `cmi.exit` was `suspend` ("RTE 4.2.8"); otherwise
 *   the model is blank. SCORM 1.2 loads them always.
 * - Saving (datamodels/scorm_13.js `StoreData`/`CollectData`): every Commit and Terminate posts the
 *   WHOLE writable data model (`&cmi__interactions__0__id=…`, URL-encoded) to datamodel.php, and
 *   each posted element is stored as a track of the current attempt, whatever the mode. Only the
 *   Terminate post adds the session to the total time (here: `total_time` = the last session time).
 * - Leaving the page: once the page is hiding, each post goes out as a `sendBeacon`; Chromium keeps
 *   at most 64 KiB of beacons in flight and refuses the rest (`sendBeacon` returns false).
 */
import { Scorm12API, Scorm2004API } from 'scorm-again';

export type ForceNewAttempt = 'no' | 'when-completed' | 'always';

/** Chromium's quota for keepalive requests (beacons) in flight (`kMaxKeepaliveTotalBytes`). */
export const BEACON_CAP = 64 * 1024;

/** Elements the SCO cannot write (never posted by Moodle's CollectData). */
const READ_ONLY =
  /^cmi\.(_version|credit|entry|mode|total_time|launch_data|learner_id|learner_name|completion_threshold|max_time_allowed|scaled_passing_score|time_limit_action|comments_from_lms\..*|core\.(student_id|student_name|credit|entry|total_time|lesson_mode)|student_data\..*)$/;
/** Defaults Moodle leaves out of the post (datamodel `defaultvalue`; scorm-again's unset session time). */
const DEFAULTS: Record<string, string> = {
  'cmi.session_time': 'PT0H0M0S',
  'cmi.core.session_time': '00:00:00',
  'cmi.learner_preference.audio_level': '1',
  'cmi.learner_preference.delivery_speed': '1',
  'cmi.learner_preference.audio_captioning': '0',
  'cmi.student_preference.audio': '0',
  'cmi.student_preference.speed': '0',
  'cmi.student_preference.text': '0',
  'cmi.completion_status': 'unknown',
  'cmi.success_status': 'unknown',
};

type Api = InstanceType<typeof Scorm12API> | InstanceType<typeof Scorm2004API>;

/** The writable elements as scorm-again holds them, flattened (`cmi.interactions.0.id` → value). */
export function writableCmi(api: Api): Record<string, string> {
  const flat = (api as unknown as { getFlattenedCMI(): Record<string, unknown> }).getFlattenedCMI();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(flat)) {
    if (typeof v !== 'string' && typeof v !== 'number') continue;
    const value = String(v);
    if (value === '' || READ_ONLY.test(k) || DEFAULTS[k] === value || /\._(count|children)$/.test(k)) continue;
    out[k] = value;
  }
  return out;
}

/** The body Moodle's datamodel.php receives for `cmi` (CollectData + the fixed parameters + total time). */
export function moodlePost(cmi: Record<string, string>): string {
  const fixed = 'id=1234&a=567&sesskey=AbCdEfGhIj&attempt=1&scoid=8910&cmi__total_time=PT1H2M3S';
  return (
    fixed +
    Object.entries(cmi)
      .map(([k, v]) => `&${k.replace(/\./g, '__')}=${encodeURIComponent(v)}`)
      .join('')
  );
}

export interface Beacon {
  call: 'commit' | 'terminate';
  bytes: number;
  accepted: boolean;
}

export interface Launch {
  /** The API object for the SCO (`API` or `API_1484_11` method names). */
  api: Record<string, unknown>;
  mode: 'normal' | 'review';
  /** The page is going away: later saves are beacons. */
  pagehide(): void;
  beacons: Beacon[];
  /** Sizes of every post (bytes), in order. */
  posts: { call: 'commit' | 'terminate'; bytes: number }[];
  calls: string[];
}

export class MoodleLike {
  /** Tracks of each attempt (index 0 = attempt 1), as datamodel.php stored them. */
  readonly attempts: Record<string, string>[] = [];

  constructor(
    readonly version: '1.2' | '2004',
    readonly forceNewAttempt: ForceNewAttempt = 'no',
  ) {}

  /** The current attempt's stored tracks. */
  get tracks(): Record<string, string> {
    return this.attempts.at(-1) ?? {};
  }

  private statusOf(t: Record<string, string>) {
    return t[this.version === '1.2' ? 'cmi.core.lesson_status' : 'cmi.completion_status'] ?? '';
  }

  /** The learner opens the activity ("Enter"). */
  launch(): Launch {
    const v12 = this.version === '1.2';
    const last = this.attempts.at(-1);
    const finished = last !== undefined && ['completed', 'passed', 'failed'].includes(this.statusOf(last));
    const fresh = !last || this.forceNewAttempt === 'always' || (finished && this.forceNewAttempt === 'when-completed');
    if (fresh) this.attempts.push({});
    const tracks = this.attempts.at(-1)!;
    const mode: 'normal' | 'review' = !fresh && finished ? 'review' : 'normal';
    const exit = tracks[v12 ? 'cmi.core.exit' : 'cmi.exit'];
    const load: Record<string, string> = v12 || exit === 'suspend' ? { ...tracks } : {};
    delete load['cmi.core.exit'];
    delete load['cmi.exit'];
    delete load['cmi.core.session_time'];
    delete load['cmi.session_time'];
    Object.assign(
      load,
      v12
        ? { 'cmi.core.lesson_mode': mode, 'cmi.core.credit': mode === 'normal' ? 'credit' : 'no-credit' }
        : { 'cmi.mode': mode, 'cmi.credit': mode === 'normal' ? 'credit' : 'no-credit' },
      exit === 'suspend' ? { [v12 ? 'cmi.core.entry' : 'cmi.entry']: 'resume' } : {},
    );
    const api: Api = v12
      ? new Scorm12API({ autocommit: false, logLevel: 5 })
      : new Scorm2004API({ autocommit: false, logLevel: 5 });
    api.loadFromFlattenedJSON(load);

    let hiding = false;
    let inFlight = 0;
    const beacons: Beacon[] = [];
    const posts: Launch['posts'] = [];
    const calls: string[] = [];
    const store = (call: 'commit' | 'terminate') => {
      const cmi = writableCmi(api);
      const bytes = new TextEncoder().encode(moodlePost(cmi)).length;
      posts.push({ call, bytes });
      if (hiding) {
        const accepted = inFlight + bytes <= BEACON_CAP;
        beacons.push({ call, bytes, accepted });
        if (!accepted) return;
        inFlight += bytes;
      }
      Object.assign(tracks, cmi);
      // Moodle adds the session to the total time only in the Terminate post (StoreData(cmi, true)).
      const session = cmi[v12 ? 'cmi.core.session_time' : 'cmi.session_time'];
      if (call === 'terminate' && session) tracks[v12 ? 'cmi.core.total_time' : 'cmi.total_time'] = session;
    };
    const a = api as unknown as Record<string, (...x: string[]) => unknown>;
    const n = v12
      ? { init: 'LMSInitialize', get: 'LMSGetValue', set: 'LMSSetValue', commit: 'LMSCommit', finish: 'LMSFinish' }
      : { init: 'Initialize', get: 'GetValue', set: 'SetValue', commit: 'Commit', finish: 'Terminate' };
    const err = v12 ? ['LMSGetLastError', 'LMSGetErrorString'] : ['GetLastError', 'GetErrorString'];
    const wrapped: Record<string, unknown> = {
      [n.init]: (x: string) => (calls.push('init'), a[n.init]!.call(api, x)),
      [n.get]: (e: string) => a[n.get]!.call(api, e),
      [n.set]: (e: string, v: string) => (calls.push(`set ${e}`), a[n.set]!.call(api, e, v)),
      [n.commit]: (x: string) => {
        calls.push('commit');
        const r = a[n.commit]!.call(api, x);
        store('commit');
        return r;
      },
      [n.finish]: (x: string) => {
        calls.push('terminate');
        store('terminate');
        return a[n.finish]!.call(api, x);
      },
      [err[0]!]: () => a[err[0]!]!.call(api),
      [err[1]!]: (c: string) => a[err[1]!]!.call(api, c),
    };
    return {
      api: wrapped,
      mode,
      pagehide: () => {
        hiding = true;
      },
      beacons,
      posts,
      calls,
    };
  }
}
