/** Response schemas of progress: events recorded, and a learner's progress read back. */
import { z } from 'zod';
import { Localized, named, timestamp } from './common.ts';

const missing = z.array(z.enum(['time', 'practice', 'mark']));

export const EventsRecorded = z
  .object({
    stored: z.number().int(),
    duplicates: z.number().int().describe('Events whose client id was already stored'),
    incomplete: z
      .array(z.object({ course: z.string(), module: z.string(), missing, message: z.string() }).strict())
      .optional()
      .describe('Modules marked complete that do not count yet, and why'),
  })
  .strict();

export const ModuleState = named(
  'ModuleState',
  z
    .object({
      id: z.string(),
      viewed: z.boolean(),
      completed: z.boolean().describe('Counts as completed (mastery rule met)'),
      status: z.enum(['not-started', 'in-progress', 'completed', 'completed-quickly']),
      completedAt: timestamp.nullable(),
      lastViewedAt: timestamp.nullable(),
      practiceBest: z.number().nullable(),
      minutesSpent: z.number(),
      minMinutes: z.number(),
      practiceRequired: z.boolean(),
      practiceMark: z.number(),
      missing,
    })
    .strict(),
);
const courseProgress = {
  courseId: z.string(),
  modules: z.array(ModuleState),
  completedModules: z.number().int(),
  totalModules: z.number().int(),
  percent: z.number(),
  resumeModule: z.string().nullable(),
  started: z.boolean(),
  modulesDone: z.boolean(),
};
export const CourseProgress = named('CourseProgress', z.object(courseProgress).strict());

export const Cycle = named(
  'Cycle',
  z
    .object({
      index: z.number().int(),
      kind: z.enum(['initial', 'renewal']),
      opensAt: timestamp.nullable(),
      completed: z.boolean(),
      nextOpensAt: timestamp.nullable(),
      deadline: z.string().nullable(),
      attemptsUsed: z.number().int(),
      attemptsLeft: z.number().int().nullable(),
    })
    .strict(),
);

export const MyCourse = named(
  'MyCourse',
  z
    .object({
      ...courseProgress,
      title: Localized,
      audience: z.string(),
      dueOn: z.string().nullable(),
      assigned: z.boolean(),
      assessment: z
        .object({
          attempts: z.number().int(),
          bestScore: z.number().nullable(),
          passed: z.boolean(),
          open: z.string().nullable(),
        })
        .strict()
        .nullable(),
      completedAt: timestamp.nullable(),
      certificates: z.array(
        z
          .object({
            code: z.string(),
            issued_at: timestamp,
            expires_at: timestamp.nullable(),
            revoked: z.boolean(),
            superseded: z.boolean(),
          })
          .strict(),
      ),
      cycle: Cycle,
    })
    .strict(),
);
export const MyProgress = z.object({ courses: z.array(MyCourse) }).strict();

export const EVENTS_EXAMPLE: z.input<typeof EventsRecorded> = {
  stored: 2,
  duplicates: 0,
  incomplete: [
    {
      course: 'online-child-protection',
      module: 'recognising-grooming',
      missing: ['time'],
      message: 'marked complete after less study time than the module needs',
    },
  ],
};
