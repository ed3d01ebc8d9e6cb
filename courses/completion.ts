/**
 * Module and course completion rules, pure. A module is complete by mastery (issue #18, item 5): the
 * learner marked it complete AND spent at least its minimum study time on it (measured from stored
 * `viewed` heartbeats) AND, when the module has a practice quiz, reached the course's practice mark in
 * it. A bare `completed` event is kept (the learner's claim) but does not count on its own. A course is
 * complete when every module is complete and (when the course has a final assessment) an attempt has
 * passed.
 */
import type { LoadedCourse } from './catalog.ts';
import type { Course } from './schema/course.ts';

/**
 * The module page reports `viewed` once on opening and then once a minute while visible; the gaps
 * between consecutive heartbeats are summed, each capped here, so a page left open overnight or a
 * learner who comes back a week later adds at most this much per gap.
 */
export const HEARTBEAT_SECONDS = 60;
export const HEARTBEAT_GAP_CAP_SECONDS = 2 * HEARTBEAT_SECONDS;

export interface ModuleActivity {
  module_id: string;
  viewed_at: string | null;
  completed_at: string | null;
  /** Best practice-quiz score 0–100 recorded for the module. */
  practice_best: number | null;
  /** Study time measured from `viewed` heartbeats, in seconds (gaps capped at HEARTBEAT_GAP_CAP_SECONDS). */
  viewed_seconds: number | null;
}

/** What a module asks for before it counts as completed. */
export interface MasteryRule {
  minMinutes: number;
  /** Whether the module has a practice quiz (its page embeds `<Quiz>`), which must reach `practiceMark`. */
  practice: boolean;
  practiceMark: number;
}

/** What is still missing before a marked module counts: study time, a practice pass, the learner's mark. */
export type MissingForCompletion = 'time' | 'practice' | 'mark';

export interface ModuleState {
  id: string;
  viewed: boolean;
  /** Counts as completed (mastery rule met). */
  completed: boolean;
  /**
   * For instructors: `completed-quickly` is a module the learner marked complete with less study time
   * than its minimum (the mark is stored but does not count).
   */
  status: 'not-started' | 'in-progress' | 'completed' | 'completed-quickly';
  /** When the learner marked it complete (their claim, whether or not it counts). */
  completedAt: string | null;
  lastViewedAt: string | null;
  practiceBest: number | null;
  minutesSpent: number;
  minMinutes: number;
  practiceRequired: boolean;
  practiceMark: number;
  missing: MissingForCompletion[];
}

/**
 * Module pages that ship a script (a quiz or scenario island) send study-time heartbeats; text-only pages
 * ship no JavaScript at all (the page-weight budget), so their study time cannot be measured and they
 * have no time floor (the catalog refuses a `minMinutes` for them).
 */
export const TRACKED_PAGE = /<(Quiz|Scenario)\b/;

/** A module's minimum study time: `course.yaml` → `minMinutes`, else a third of its estimated minutes. */
export function minMinutesFor(course: Course, moduleId: string, estimatedMinutes: number, tracked: boolean): number {
  if (!tracked) return 0;
  return course.minMinutes[moduleId] ?? Math.max(1, Math.floor(estimatedMinutes / 3));
}

/** The mastery rule of every module of a course: floors from `course.yaml` or a third of the page's minutes. */
export function masteryRules(loaded: Pick<LoadedCourse, 'course' | 'modules'>): Record<string, MasteryRule> {
  const { course } = loaded;
  return Object.fromEntries(
    course.modules.map((id) => {
      const page = loaded.modules.uk.find((p) => p.id === id);
      return [
        id,
        {
          minMinutes: minMinutesFor(course, id, page?.data.minutes ?? 0, !!page && TRACKED_PAGE.test(page.body)),
          practice: !!page && /<Quiz\b/.test(page.body),
          practiceMark: course.practiceMark,
        },
      ];
    }),
  );
}

/** What a module still needs before it counts (empty when it is complete). */
export function missingFor(rule: MasteryRule, a: ModuleActivity | undefined): MissingForCompletion[] {
  const missing: MissingForCompletion[] = [];
  if ((a?.viewed_seconds ?? 0) < rule.minMinutes * 60) missing.push('time');
  if (rule.practice && (a?.practice_best ?? -1) < rule.practiceMark) missing.push('practice');
  if (!a?.completed_at) missing.push('mark');
  return missing;
}

export interface CourseProgress {
  courseId: string;
  modules: ModuleState[];
  completedModules: number;
  totalModules: number;
  /** 0–100, modules only. */
  percent: number;
  /** The module to open next: the last one viewed if it is not complete, else the first incomplete one. */
  resumeModule: string | null;
  started: boolean;
  modulesDone: boolean;
}

export function courseProgress(
  course: Course,
  activity: ModuleActivity[],
  loaded: Pick<LoadedCourse, 'course' | 'modules'>,
): CourseProgress {
  const byId = new Map(activity.map((a) => [a.module_id, a]));
  const rules = masteryRules(loaded);
  const modules = course.modules.map((id): ModuleState => {
    const a = byId.get(id);
    const rule = rules[id]!;
    const missing = missingFor(rule, a);
    const completed = missing.length === 0;
    const viewed = !!a?.viewed_at || !!a?.completed_at;
    return {
      id,
      viewed,
      completed,
      status: completed
        ? 'completed'
        : a?.completed_at && missing.includes('time')
          ? 'completed-quickly'
          : viewed
            ? 'in-progress'
            : 'not-started',
      completedAt: a?.completed_at ?? null,
      lastViewedAt: a?.viewed_at ?? null,
      practiceBest: a?.practice_best ?? null,
      minutesSpent: Math.floor((a?.viewed_seconds ?? 0) / 60),
      minMinutes: rule.minMinutes,
      practiceRequired: rule.practice,
      practiceMark: rule.practiceMark,
      missing,
    };
  });
  const completedModules = modules.filter((m) => m.completed).length;
  const lastViewed = modules
    .filter((m) => m.lastViewedAt)
    .sort((a, b) => (a.lastViewedAt! < b.lastViewedAt! ? 1 : -1))[0];
  const resumeModule =
    lastViewed && !lastViewed.completed ? lastViewed.id : (modules.find((m) => !m.completed)?.id ?? null);
  return {
    courseId: course.id,
    modules,
    completedModules,
    totalModules: modules.length,
    percent: Math.round((completedModules / modules.length) * 100),
    resumeModule,
    started: modules.some((m) => m.viewed),
    modulesDone: completedModules === modules.length,
  };
}

/** A course is complete when all modules are complete and, if it has an assessment, one attempt passed. */
export function isCourseComplete(course: Course, progress: CourseProgress, passedAssessment: boolean): boolean {
  return progress.modulesDone && (!course.assessment || passedAssessment);
}

/** Expiry of a certificate issued at `issuedAt` for this course, or null when it never expires. */
export function certificateExpiry(course: Course, issuedAt: Date): Date | null {
  if (course.certificateValidityMonths === null) return null;
  const d = new Date(issuedAt);
  d.setUTCMonth(d.getUTCMonth() + course.certificateValidityMonths);
  return d;
}
