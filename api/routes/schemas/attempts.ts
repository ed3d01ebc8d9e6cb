/** Response schemas of graded attempts (api/routes/attempts.ts, late-attempts.ts). */
import { z } from 'zod';
import { responseSchema } from '../../../courses/schema/question.ts';
import { named, timestamp } from './common.ts';

const choice = z.object({ id: z.string(), text: z.string() }).strict();

/** A question as a learner sees it during an attempt: no key, no feedback, ids of this attempt. */
export const AttemptQuestion = named(
  'AttemptQuestion',
  z
    .object({
      id: z.string(),
      type: z.enum(['single', 'multiple', 'true-false', 'numeric', 'ordering', 'matching', 'text']),
      stem: z.string(),
      unit: z.string().optional(),
      options: z.array(choice).optional(),
      items: z.array(choice).optional(),
      prompts: z.array(choice).optional(),
      matches: z.array(choice).optional(),
    })
    .strict(),
);
export const AnswerValue = named('AnswerValue', responseSchema);

/** An attempt still open: its questions and the answers saved so far (to resume). */
export const OpenAttempt = named(
  'OpenAttempt',
  z
    .object({
      id: z.string().uuid(),
      course: z.string(),
      locale: z.string(),
      started_at: timestamp,
      deadline_at: timestamp.nullable(),
      time_limit_minutes: z.number().nullable(),
      server_now: timestamp.describe("The server's clock, to show the time left"),
      submitted: z.literal(false),
      questions: z.array(AttemptQuestion),
      answers: z.record(AnswerValue),
    })
    .strict(),
);

const late = z
  .object({
    status: z.enum(['pending', 'accepted', 'rejected']),
    submitted_at: timestamp.nullable(),
    score: z.number().nullable().optional().describe('Staff only'),
    elapsed_ms: z.number().nullable().optional().describe('Staff only: the device’s account of the time taken'),
  })
  .strict();

/** A submitted attempt, as much as the course's review policy allows (fields appear by level). */
export const AttemptResult = named(
  'AttemptResult',
  z
    .object({
      id: z.string().uuid(),
      course: z.string(),
      submitted: z.literal(true),
      submitted_at: timestamp.nullable(),
      late: late.optional(),
      finished_by: z.enum(['learner', 'deadline']).optional(),
      score: z.number().nullable().optional(),
      passed: z.boolean().optional(),
      pass_mark: z.number().optional(),
      attempts_left: z.number().int().nullable().optional(),
      modules: z.array(z.object({ module: z.string(), right: z.number(), total: z.number() }).strict()).optional(),
      review: z
        .array(
          z
            .object({
              question: AttemptQuestion,
              response: AnswerValue.nullable(),
              score: z.number(),
              correct_response: AnswerValue,
              explanation: z.string(),
              reference: z.string(),
              feedback: z.object({ correct: z.string().optional(), incorrect: z.string().optional() }).nullable(),
              optionFeedback: z.record(z.string()),
            })
            .strict(),
        )
        .optional(),
    })
    .strict(),
);

/** Someone else's open attempt, as their instructor sees it. */
const OpenElsewhere = z.object({ id: z.string().uuid(), submitted: z.literal(false), started_at: timestamp }).strict();

export const AttemptList = z
  .object({
    questions: z.number().int(),
    time_limit_minutes: z.number().nullable(),
    max_attempts: z.number().int().nullable(),
    attempts_left: z.number().int().nullable(),
    cycle: z
      .object({
        index: z.number().int(),
        kind: z.enum(['initial', 'renewal']),
        opens_at: timestamp.nullable(),
        deadline: timestamp.nullable(),
      })
      .strict(),
    pass_mark: z.number(),
    open: z.string().nullable().describe('The open attempt’s id'),
    attempts: z.array(
      z
        .object({
          id: z.string(),
          submitted_at: timestamp.nullable(),
          score: z.number().nullable(),
          passed: z.boolean().nullable(),
          late: z.enum(['pending', 'accepted', 'rejected']).nullable(),
        })
        .strict(),
    ),
  })
  .strict();
export const StartedAttempt = z.object({ attempt: OpenAttempt }).strict();
export const AttemptView = z.object({ attempt: z.union([OpenAttempt, AttemptResult, OpenElsewhere]) }).strict();
export const SubmittedAttempt = z.object({ attempt: AttemptResult }).strict();
export const AnswersSaved = z
  .object({ saved: z.number().int(), saved_at: timestamp, deadline_at: timestamp.nullable() })
  .strict();

export const LateAttempts = z
  .object({
    items: z.array(
      z
        .object({
          id: z.string(),
          learner: z.object({ id: z.number().int(), name: z.string(), email: z.string() }).strict(),
          course: z.string(),
          started_at: timestamp,
          deadline_at: timestamp.nullable(),
          time_limit_minutes: z.number().nullable(),
          deadline_score: z.number().nullable(),
          late_score: z.number().nullable(),
          late_submitted_at: timestamp.nullable(),
          device_elapsed_ms: z.number().nullable(),
          saves: z.object({ count: z.number().int(), times: z.array(timestamp) }).strict(),
        })
        .strict(),
    ),
  })
  .strict();
export const LateDecision = z
  .object({ id: z.string(), late_status: z.enum(['accepted', 'rejected']), score: z.number().nullable() })
  .strict();

export const START_EXAMPLE: z.input<typeof StartedAttempt> = {
  attempt: {
    id: '0f8e2a56-3c1d-4b7a-9e35-2d8f1c6b7a90',
    course: 'online-child-protection',
    locale: 'uk',
    started_at: '2026-11-29T10:00:00.000Z',
    deadline_at: '2026-11-29T10:30:00.000Z',
    time_limit_minutes: 30,
    server_now: '2026-11-29T10:00:00.120Z',
    submitted: false,
    questions: [
      {
        id: 'q-7f3a',
        type: 'single',
        stem: 'Який термін слід використовувати в офіційних документах?',
        options: [
          { id: 'o-19c2', text: 'Матеріали сексуального насильства над дітьми (CSAM)' },
          { id: 'o-4e8b', text: 'Дитяча порнографія' },
        ],
      },
    ],
    answers: {},
  },
};
