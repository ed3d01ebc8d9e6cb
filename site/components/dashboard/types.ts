/** Shapes of the report API's answers, as the dashboard reads them. */
export type Localized = { uk: string; en: string };
export type Risk = 'not_started' | 'overdue' | 'failed_twice';
export interface LearnerCourse {
  course_id: string;
  status: 'not_started' | 'in_progress' | 'completed';
  modules_done: number;
  modules_total: number;
  attempts: number;
  failed: number;
  best_score: number | null;
  passed: boolean;
  completed_at: string | null;
  certificate: string | null;
  risk: Risk[];
}
export interface Learner {
  id: number;
  full_name: string;
  email: string;
  role: string;
  active: number;
  courses: LearnerCourse[];
}
export interface CourseReport {
  id: string;
  title: Localized;
  due_on: string | null;
  pass_mark: number;
  assessment: boolean;
  modules: string[];
  funnel: {
    members: number;
    started: number;
    modules_done: number;
    passed: number;
    completed: number;
    certified: number;
  };
  module_completion: { module: string; started: number; completed: number }[];
  score_distribution: { from: number; to: number; count: number }[];
  progress_over_time: { date: string; modules_completed: number; courses_completed: number }[];
  /** Median of the learners' best scores (null: nobody has one). */
  best_score_median: number | null;
}
export interface AtRisk {
  user_id: number;
  full_name: string;
  email: string;
  course_id: string;
  reasons: Risk[];
}
/** `GET /api/reports/cohorts/:id?learners=none`: everything but the per-learner rows. */
export interface ReportSummary {
  cohort: { id: number; name: string; unit: string; starts_on: string | null; ends_on: string | null };
  generated_at: string;
  courses: CourseReport[];
  learner_count: number;
  at_risk: AtRisk[];
}
/** `GET /api/reports/cohorts/:id`: the summary and one row per learner. */
export interface Report extends ReportSummary {
  learners: Learner[];
}
/** Module titles per course, per module id (in the page's locale). */
export type ModuleTitles = Record<string, Record<string, string>>;
