/** Response schemas of cohort reports, the learner drill-down and item analysis. */
import { z } from 'zod';
import { AnswerValue } from './attempts.ts';
import { Cohort } from './cohorts.ts';
import { day, Localized, named, role, timestamp } from './common.ts';
import { ModuleState } from './progress.ts';

const questionType = z.enum(['single', 'multiple', 'true-false', 'numeric', 'ordering', 'matching', 'text']);

export const LearnerRow = named(
  'LearnerRow',
  z
    .object({
      id: z.number().int(),
      full_name: z.string(),
      email: z.string(),
      role,
      active: z.number().int(),
      joined_at: timestamp,
    })
    .strict(),
);
const risk = z.enum(['not_started', 'overdue', 'failed_twice']);
const learnerCourse = z
  .object({
    course_id: z.string(),
    status: z.enum(['not_started', 'in_progress', 'completed']),
    modules_done: z.number().int(),
    modules_total: z.number().int(),
    attempts: z.number().int(),
    failed: z.number().int(),
    best_score: z.number().nullable(),
    passed: z.boolean(),
    completed_at: timestamp.nullable(),
    certificate: z.string().nullable().describe('Certificate code'),
    risk: z.array(risk),
  })
  .strict();

export const CohortReport = named(
  'CohortReport',
  z
    .object({
      cohort: Cohort,
      generated_at: timestamp,
      courses: z.array(
        z
          .object({
            id: z.string(),
            title: Localized,
            due_on: day.nullable(),
            pass_mark: z.number(),
            assessment: z.boolean(),
            modules: z.array(z.string()),
            funnel: z
              .object({
                members: z.number().int(),
                started: z.number().int(),
                modules_done: z.number().int(),
                passed: z.number().int(),
                completed: z.number().int(),
                certified: z.number().int(),
              })
              .strict(),
            module_completion: z.array(
              z.object({ module: z.string(), started: z.number().int(), completed: z.number().int() }).strict(),
            ),
            score_distribution: z.array(
              z.object({ from: z.number(), to: z.number(), count: z.number().int() }).strict(),
            ),
            progress_over_time: z.array(
              z
                .object({
                  date: day,
                  modules_completed: z.number().int(),
                  courses_completed: z.number().int(),
                })
                .strict(),
            ),
            best_score_median: z.number().nullable(),
          })
          .strict(),
      ),
      learner_count: z.number().int(),
      learners: z
        .array(LearnerRow.extend({ courses: z.array(learnerCourse) }).strict())
        .optional()
        .describe('Left out with learners=none'),
      at_risk: z.array(
        z
          .object({
            user_id: z.number().int(),
            full_name: z.string(),
            email: z.string(),
            course_id: z.string(),
            reasons: z.array(risk),
          })
          .strict(),
      ),
    })
    .strict(),
);

const questionText = {
  stem: Localized.nullable(),
  options: z.record(Localized).nullable().describe('Option id → text (single, multiple, true-false)'),
};

export const LearnerReport = z
  .object({
    learner: LearnerRow,
    courses: z.array(
      z
        .object({
          id: z.string(),
          title: Localized,
          due_on: day.nullable(),
          pass_mark: z.number(),
          modules: z.array(ModuleState.extend({ title: Localized }).strict()),
          attempts: z.array(
            z
              .object({
                id: z.string(),
                started_at: timestamp,
                submitted_at: timestamp.nullable(),
                score: z.number().nullable(),
                passed: z.boolean().nullable(),
                locale: z.string(),
                responses: z.array(
                  z
                    .object({
                      question_id: z.string(),
                      type: questionType.nullable(),
                      ...questionText,
                      response: AnswerValue.nullable(),
                      score: z.number(),
                      correct_response: AnswerValue.nullable(),
                    })
                    .strict(),
                ),
              })
              .strict(),
          ),
          completions: z.array(
            z
              .object({
                id: z.number().int(),
                course_id: z.string(),
                content_version: z.string(),
                score: z.number().nullable(),
                completed_at: timestamp,
              })
              .strict(),
          ),
          certificates: z.array(
            z
              .object({
                code: z.string(),
                course_id: z.string(),
                content_version: z.string(),
                score: z.number().nullable(),
                issued_at: timestamp,
                expires_at: timestamp.nullable(),
                revoked_at: timestamp.nullable(),
                revoked_reason: z.string().nullable(),
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export const ItemAnalysis = z
  .object({
    courses: z.array(
      z
        .object({
          id: z.string(),
          title: Localized,
          attempts: z.number().int(),
          items: z.array(
            z
              .object({
                questionId: z.string(),
                type: questionType,
                module: z.string(),
                n: z.number().int(),
                facility: z.number().nullable().describe('Mean score 0..1'),
                discrimination: z.number().nullable().describe('Upper-group facility minus lower-group facility'),
                groupSize: z.number().int(),
                choices: z
                  .array(z.object({ option: z.string(), correct: z.boolean(), count: z.number().int() }).strict())
                  .nullable(),
                unanswered: z.number().int(),
                flags: z.array(z.enum(['too_easy', 'too_hard', 'negative_discrimination'])),
                ...questionText,
              })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();
