/**
 * One SCO launch: initialise once, restore the learner's progress, write status, score,
 * interactions and the bookmark as the learner goes (committing after each step), and finish
 * exactly once. Without an LMS API the session still keeps progress in memory (`tracking` is false),
 * so the course works; nothing is reported.
 */
import { scorm12 } from '../scorm12/cmi.ts';
import { scorm2004 } from '../scorm2004/cmi.ts';
import type { Interaction } from './interactions.ts';
import { lmsFor, type Dialect, type Lms } from './lms.ts';
import { courseStatus, type CourseFacts } from './status.ts';
import { BOOKMARK, decodeProgress, emptyProgress, encodeProgress, type Progress } from './suspend-data.ts';
import type { ScormVersion } from './spec.ts';

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
  private phase: 'new' | 'running' | 'finished' = 'new';
  private startedAt = 0;

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
    return this.lms !== null && this.phase === 'running';
  }

  get finished(): boolean {
    return this.phase === 'finished';
  }

  /** Initialise (once) and restore progress. Returns false when there is no LMS to report to. */
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
      let n = this.dialect.interactionCount(lms);
      for (const ix of a.interactions) {
        this.dialect.writeInteraction(lms, n++, ix);
        this.check(`interaction ${ix.id}`);
      }
    }
    this.save();
  }

  commit() {
    if (this.tracking) this.lms!.commit();
  }

  /** End the session: session time, exit mode, final commit, terminate. Runs once; later calls do nothing. */
  finish() {
    if (this.phase !== 'running') return;
    this.phase = 'finished';
    if (!this.lms) return;
    const status = courseStatus(this.facts, this.progress);
    // Suspend while something is left to do, so the LMS offers "resume" with our suspend_data.
    const suspend = status.completion !== 'completed' || (this.facts.hasAssessment && status.success !== 'passed');
    this.dialect.writeExit(this.lms, this.now() - this.startedAt, suspend);
    this.lms.commit();
    if (!this.lms.terminate()) this.check('terminate');
  }
}
