/**
 * Module and course completion rules, pure. A module is complete once a `completed` event exists for
 * it; a course is complete when every module is complete and (when the course has a final
 * assessment) an attempt has passed.
 */
import type { Course } from './schema/course.ts';

export interface ModuleActivity {
  module_id: string;
  viewed_at: string | null;
  completed_at: string | null;
  /** Best practice-quiz score 0–100 recorded for the module. */
  practice_best: number | null;
}

export interface ModuleState {
  id: string;
  viewed: boolean;
  completed: boolean;
  completedAt: string | null;
  lastViewedAt: string | null;
  practiceBest: number | null;
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

export function courseProgress(course: Course, activity: ModuleActivity[]): CourseProgress {
  const byId = new Map(activity.map((a) => [a.module_id, a]));
  const modules = course.modules.map((id): ModuleState => {
    const a = byId.get(id);
    return {
      id,
      viewed: !!a?.viewed_at || !!a?.completed_at,
      completed: !!a?.completed_at,
      completedAt: a?.completed_at ?? null,
      lastViewedAt: a?.viewed_at ?? null,
      practiceBest: a?.practice_best ?? null,
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
