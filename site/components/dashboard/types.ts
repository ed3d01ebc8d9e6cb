/**
 * Shapes of the report API's answers, as the dashboard reads them: derived from the API's generated
 * types (site/lib/api/schema.d.ts), so they cannot drift from what the API answers.
 */
import type { Schemas } from '../../lib/api/types.ts';

export type Localized = Schemas['Localized'];
/** `GET /api/reports/cohorts/:id?learners=none`: everything but the per-learner rows. */
export type ReportSummary = Omit<Schemas['CohortReport'], 'learners'>;
export type Learner = NonNullable<Schemas['CohortReport']['learners']>[number];
export type LearnerCourse = Learner['courses'][number];
export type Risk = LearnerCourse['risk'][number];
export type CourseReport = ReportSummary['courses'][number];
export type AtRisk = ReportSummary['at_risk'][number];
/** `GET /api/reports/cohorts/:id`: the summary and one row per learner. */
export type Report = ReportSummary & { learners: Learner[] };
/** Module titles per course, per module id (in the page's locale). */
export type ModuleTitles = Record<string, Record<string, string>>;
