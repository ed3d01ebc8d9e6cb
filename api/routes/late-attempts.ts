/**
 * Late submissions of graded attempts (issue #18, item 4): finished offline after the server-side
 * deadline, kept pending, and counted only when an instructor who owns one of the learner's cohorts
 * accepts them. The queue shows the evidence: when the server received each saved answer, when the
 * late submission arrived, and what the device reported as its elapsed time. Every decision is
 * audit-logged.
 */
import { z } from 'zod';
import type { Response } from '../../courses/schema/question.ts';
import { attemptsRepo } from '../../db/repos/attempts.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { canSeeLearnerRecord } from '../access.ts';
import { poolOf, scoreResponses } from '../attempt-core.ts';
import { checkCompletion } from '../completion.ts';
import { AppError, forbidden, notFound } from '../errors.ts';
import { clientIp } from './auth.ts';
import { Resource } from '../route.ts';
import { LateAttempts, LateDecision } from './schemas/attempts.ts';

const decision = z.object({ id: z.string().uuid(), decision: z.enum(['accept', 'reject']) }).strict();

export function lateAttemptRoutes() {
  return new Resource('/api', 'assessment')
    .route(
      {
        method: 'get',
        path: '/late-attempts',
        response: LateAttempts,
        summary: 'Late submissions pending review, of learners in my cohorts, with the evidence',
        access: ['instructor'],
      },
      async (c) => {
        const deps = c.get('deps');
        const repo = attemptsRepo(deps.db);
        const pending = await repo.pendingLate(c.get('user')!.id);
        const items = await Promise.all(
          pending.map(async (a) => {
            const saves = await repo.saves(a.id);
            const { settings } = poolOf(deps, a.course_id);
            return {
              id: a.id,
              learner: { id: a.user_id, name: a.full_name, email: a.email },
              course: a.course_id,
              started_at: a.started_at,
              deadline_at: a.deadline_at,
              time_limit_minutes: settings.timeLimitMinutes ?? null,
              deadline_score: a.score,
              late_score: a.late_score,
              late_submitted_at: a.late_submitted_at,
              device_elapsed_ms: a.late_elapsed_ms,
              saves: { count: saves.length, times: saves.map((s) => s.saved_at) },
            };
          }),
        );
        return c.json({ items });
      },
    )
    .route(
      {
        method: 'post',
        path: '/attempts/:id/late/:decision',
        response: LateDecision,
        errors: [404, 409],
        summary: "Accept (it becomes the attempt's result) or reject a late submission; owner instructor only",
        access: ['instructor'],
        params: decision,
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const user = c.get('user')!;
        const repo = attemptsRepo(deps.db);
        const a = await repo.byId(params.id);
        if (!a) throw notFound('attempt');
        if (!(await canSeeLearnerRecord(deps, user, a.user_id, { courseId: a.course_id, at: a.started_at })))
          throw forbidden("only an instructor of the learner's cohort can review this late submission");
        if (a.late_status !== 'pending')
          throw new AppError(
            409,
            'conflict',
            a.late_status ? `this late submission was already ${a.late_status}` : 'this attempt has no late submission',
          );
        const accept = params.decision === 'accept';
        const scored = accept
          ? scoreResponses(deps, a, JSON.parse(a.late_responses ?? '{}') as Record<string, Response>)
          : null;
        const at = deps.now().toISOString();
        const done = await repo.decideLate({
          id: a.id,
          accept,
          reviewer: user.id,
          at,
          passed: scored?.passed,
          responses: scored?.rows,
        });
        if (!done) throw new AppError(409, 'conflict', 'this late submission was decided meanwhile');
        await auditRepo(deps.db).record({
          event: accept ? 'attempt.late_accepted' : 'attempt.late_rejected',
          actor_id: user.id,
          target: a.id,
          details: {
            learner: a.user_id,
            course: a.course_id,
            deadline_score: a.score,
            late_score: a.late_score,
            device_elapsed_ms: a.late_elapsed_ms,
          },
          ip: clientIp(c),
        });
        if (scored?.passed) await checkCompletion(deps, a.user_id, a.course_id);
        return c.json({ id: a.id, late_status: accept ? 'accepted' : 'rejected', score: scored?.score ?? a.score });
      },
    );
}
