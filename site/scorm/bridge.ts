/**
 * The bridge between the package's pages and the one SCORM session. The launch page (index.html)
 * owns the session for the whole visit (initialise once, finish once); the course pages load inside
 * its frame and reach it as `window.OberihScorm` up the (same-origin) parent chain. A page opened on
 * its own gets a memory-only session: the course works, nothing is recorded.
 */
import { findApi } from '../../courses/scorm/common/api-finder.ts';
import { ScormSession, type AttemptReport } from '../../courses/scorm/common/session.ts';
import type { CourseFacts } from '../../courses/scorm/common/status.ts';
import type { Progress } from '../../courses/scorm/common/suspend-data.ts';
import type { ScormVersion } from '../../courses/scorm/common/spec.ts';

export const BRIDGE_NAME = 'OberihScorm';

/** What the launch page writes into its `#oberih-scorm-config` JSON block. */
export interface LaunchConfig {
  version: ScormVersion;
  course: string;
  locale: 'uk' | 'en';
  title: string;
  facts: CourseFacts;
  /** Bookmark key → page path relative to the package root (see `BOOKMARK`). */
  pages: Record<string, string>;
  strings: Record<string, string>;
}

export interface Bridge {
  readonly version: ScormVersion;
  /** True while an LMS records progress. */
  readonly tracking: boolean;
  /** True when the page runs inside the launch page (false: a memory-only stand-in). */
  readonly launched: boolean;
  readonly entry: 'ab-initio' | 'resume';
  progress(): Progress;
  /** The page at `url` is open (sets the bookmark when it is one of the package's pages). */
  visit(url: string): void;
  completeModule(id: string): void;
  isModuleDone(id: string): boolean;
  draft(): string | null;
  setDraft(draft: string | null): void;
  /** False when the open attempt had to be left out of suspend_data. */
  draftStored(): boolean;
  recordAttempt(a: AttemptReport): void;
  errors(): string[];
}

/** A bridge over a session; `base` is the package root URL the `pages` paths are relative to. */
export function createBridge(
  session: ScormSession,
  pages: Record<string, string>,
  base: string,
  launched: boolean,
): Bridge {
  const key = (url: string) => {
    const u = new URL(url, base);
    u.hash = '';
    u.search = '';
    const href = u.href.replace(/\/$/, '/index.html');
    return Object.entries(pages).find(([, p]) => new URL(p, base).href === href)?.[0];
  };
  const moduleIndex = (id: string) => session.facts.modules.indexOf(id);
  return {
    version: session.version,
    get tracking() {
      return session.tracking;
    },
    launched,
    get entry() {
      return session.entry;
    },
    progress: () => structuredClone(session.progress),
    visit: (url) => {
      const k = key(url);
      if (k !== undefined) session.visit(k);
    },
    completeModule: (id) => session.completeModule(moduleIndex(id)),
    isModuleDone: (id) => session.progress.done.includes(moduleIndex(id)),
    draft: () => session.progress.draft,
    setDraft: (d) => session.setDraft(d),
    draftStored: () => !session.draftDropped,
    recordAttempt: (a) => session.recordAttempt(a),
    errors: () => [...session.errors],
  };
}

/** The launch page's bridge, searched up the parent chain (never the opener: that is another visit). */
export function findBridge(win: Window): Bridge | null {
  return findApi(win as never, BRIDGE_NAME, { opener: false }) as unknown as Bridge | null;
}

/** A memory-only bridge for a page opened outside the launch page (or without an LMS). */
export function memoryBridge(facts: CourseFacts, version: ScormVersion = '1.2'): Bridge {
  const session = new ScormSession(version, facts, null);
  session.start();
  return createBridge(session, {}, location.href, false);
}
