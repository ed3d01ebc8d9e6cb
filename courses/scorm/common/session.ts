/**
 * One SCO launch: initialise once, restore the learner's progress, write status, score,
 * interactions and the bookmark as the learner goes (committing after each step), and finish
 * exactly once. Without an LMS API the session still keeps progress in memory (`tracking` is false),
 * so the course works; nothing is reported. The same holds when the LMS opens the SCO in `review` or
 * `browse` mode or without credit (`readOnly`): Moodle reopens a completed attempt in review and
 * stores whatever is written into that same attempt, so a retake there would overwrite the result.
 */
import { scorm12 } from '../scorm12/cmi.ts';
import { scorm2004 } from '../scorm2004/cmi.ts';
import type { Interaction } from './interactions.ts';
import { lmsFor, readOnlyReason, type Dialect, type Lms } from './lms.ts';
import { courseStatus, type CourseFacts } from './status.ts';
import { BOOKMARK, decodeProgress, emptyProgress, encodeProgress, type Progress } from './suspend-data.ts';
import type { ReadOnlyReason, ScormVersion } from './spec.ts';

export const DIALECTS: Record<ScormVersion, Dialect> = { '1.2': scorm12, '2004': scorm2004 };

export interface AttemptReport {
  /** Attempt score 0–100 from `courses/scoring.ts`. */
  score: number;
  passed: boolean;
  interactions: Interaction[];
}

export class ScormSession {
  readonly dialect: Dialect;
  lms: Lms | null;
  progress: Progress = emptyProgress();
  /** 'resume' when the learner comes back to saved progress. */
  entry: 'ab-initio' | 'resume' = 'ab-initio';
  /** Set when the open attempt did not fit into suspend_data and is kept only on the device. */
  draftDropped = false;
  /** Problems the LMS reported (kept for the notice and the preview; never thrown at the learner). */
  readonly errors: string[] = [];
  /** Set when the LMS does not count this launch (review, browse, no-credit): nothing is written. */
  readOnly: ReadOnlyReason | null = null;
  private phase: 'new' | 'running' | 'finished' = 'new';
  private startedAt = 0;
  /** 2004: the stored interactions' ids by index, so a retaken question updates its own record. */
  private interactionIds: string[] | null = null;

  constructor(
    readonly version: ScormVersion,
    readonly facts: CourseFacts,
    api: Record<string, unknown> | null,
    private now: () => number = Date.now,
  ) {
    this.dialect = DIALECTS[version];
    let lms: Lms | null = null;
    if (api) {
      try {
        lms = lmsFor(version, api);
      } catch (e) {
        this.errors.push((e as Error).message);
      }
    }
    this.lms = lms;
  }

  /** True while an LMS records what the learner does. */
  get tracking(): boolean {
    return this.lms !== null && this.phase === 'running' && this.readOnly === null;
  }

  get finished(): boolean {
    return this.phase === 'finished';
  }

  /** Initialise (once) and restore progress. Returns false when nothing is recorded (no LMS, or `readOnly`). */
  start(): boolean {
    if (this.phase !== 'new') return this.tracking;
    this.startedAt = this.now();
    this.phase = 'running';
    if (this.lms && !this.lms.initialize()) {
      this.errors.push(`Initialize failed (${this.lms.lastError()})`);
      this.lms = null;
    }
    // No LMS: the course still works, progress lives in memory for this visit only.
    if (!this.lms) return false;
    const lms = this.lms;
    const saved = lms.get(this.dialect.suspendData);
    try {
      this.progress = decodeProgress(saved, this.facts.modules.length);
    } catch (e) {
      // Unreadable (another package's data, a changed course): start afresh rather than break the course.
      this.errors.push(`suspend_data ignored: ${(e as Error).message}`);
      this.progress = emptyProgress();
    }
    const location = lms.get(this.dialect.location);
    if (BOOKMARK.test(location) && location) this.progress.bookmark = location;
    // Read what the learner did (suspend data, bookmark) whatever the mode, so a review shows their course.
    this.readOnly = readOnlyReason(this.dialect, lms);
    if (this.readOnly) {
      this.entry = saved || location ? 'resume' : 'ab-initio';
      return false;
    }
    this.interactionIds = this.dialect.interactionIds(lms);
    if (this.dialect.firstLaunch(lms)) {
      this.dialect.markIncomplete(lms);
      this.check('mark incomplete');
      lms.commit();
    } else {
      this.entry = saved || location ? 'resume' : 'ab-initio';
    }
    return true;
  }

  private check(what: string) {
    const err = this.lms?.lastError();
    if (err) this.errors.push(`${what}: ${err}`);
  }

  /** Write location, suspend data and status, then commit. */
  private save() {
    if (!this.tracking) return;
    const lms = this.lms!;
    const enc = encodeProgress(this.progress, this.version);
    this.draftDropped = !enc.draftKept;
    lms.set(this.dialect.location, this.progress.bookmark);
    lms.set(this.dialect.suspendData, enc.text);
    this.check('suspend_data');
    this.dialect.writeStatus(lms, courseStatus(this.facts, this.progress), this.facts);
    this.check('status');
    if (!lms.commit()) this.check('commit');
  }

  /** The learner opened a page (bookmark key, see `BOOKMARK`). */
  visit(bookmark: string) {
    if (!BOOKMARK.test(bookmark) || this.progress.bookmark === bookmark) return;
    this.progress.bookmark = bookmark;
    if (this.tracking) {
      this.lms!.set(this.dialect.location, bookmark);
      this.lms!.commit();
    }
  }

  /** The learner marked module `index` (0-based) complete. */
  completeModule(index: number) {
    if (!(index >= 0 && index < this.facts.modules.length)) return;
    if (!this.progress.done.includes(index)) this.progress.done = [...this.progress.done, index].sort((a, b) => a - b);
    this.save();
  }

  /** Keep (or clear, with null) the open attempt. */
  setDraft(draft: string | null) {
    this.progress.draft = draft;
    this.save();
  }

  /** A submitted, scored attempt: score, status and one interaction per answered question. */
  recordAttempt(a: AttemptReport) {
    const p = this.progress;
    p.attempts += 1;
    p.last = a.score;
    p.best = p.best === null ? a.score : Math.max(p.best, a.score);
    p.passed = p.passed || a.passed;
    p.draft = null;
    if (this.tracking) {
      const lms = this.lms!;
      const ids = this.interactionIds;
      let next = this.dialect.interactionCount(lms);
      for (const ix of a.interactions) {
        // 2004: a question answered in an earlier attempt gets its record updated (RTE 4.2.9 lets a
        // SCO change an interaction it wrote), so three attempts over one pool never hold more
        // records than the pool has questions. 1.2 (write-only) journals them.
        const known = ids ? ids.indexOf(ix.id) : -1;
        const n = known >= 0 ? known : next++;
        if (ids && known < 0) ids[n] = ix.id;
        this.dialect.writeInteraction(lms, n, ix);
        this.check(`interaction ${ix.id}`);
      }
    }
    this.save();
  }

  /**
   * End the session: session time, `suspend`, terminate. Runs once; later calls do nothing.
   *
   * Always `suspend`, finished or not: an LMS hands the data model back on the next launch only after
   * a suspend (Moodle 2004: `get_scorm_default`, per RTE 4.2.8), so a learner reopening a passed
   * course gets their course (modules, best score) rather than a blank one whose writes land in the
   * same attempt. No Commit before Terminate: Terminate persists the data (2004 RTE 3.1.3.2, 1.2
   * LMSFinish), and on `pagehide` each call is a beacon carrying the LMS's whole data model, of which
   * the browser sends at most 64 KB. In review, browse or no-credit nothing is written at all.
   */
  finish() {
    if (this.phase !== 'running') return;
    this.phase = 'finished';
    if (!this.lms) return;
    if (!this.readOnly) {
      this.dialect.writeExit(this.lms, this.now() - this.startedAt);
      this.check('exit');
    }
    if (!this.lms.terminate()) this.check('terminate');
  }
}
