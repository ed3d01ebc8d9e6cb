/** The instructor and admin islands' API calls (typed client) and small formatting helpers. */
import { formatDate } from '../../../courses/format.ts';
import type { Locale } from '../../../courses/schema/common.ts';
import { api as client } from '../../lib/api/client.ts';
import type { ApiError, Body, paths } from '../../lib/api/types.ts';
import { confirmPassword } from './reauth.ts';
export interface ApiResult<T> {
  ok: boolean;
  status: number;
  data: T;
  /** The API's error message, when not ok. */
  error: string;
}

type Sent<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

/**
 * Send one typed request (site/lib/api/client.ts) and answer it as the islands read it. A dangerous
 * action with a password older than 10 minutes is confirmed, then tried once more.
 */
export async function call<T>(send: () => Sent<T>, retried = false): Promise<ApiResult<T>> {
  try {
    const { data, error, response } = await send();
    const err = (error as ApiError | undefined)?.error;
    if (response.status === 403 && err?.code === 'reauth_required' && !retried && (await confirmPassword()))
      return call(send, true);
    return {
      ok: response.ok,
      status: response.status,
      data: (data ?? {}) as T,
      error: response.ok ? '' : (err?.message ?? `HTTP ${response.status}`),
    };
  } catch {
    return { ok: false, status: 0, data: {} as T, error: navigator.onLine ? 'Network error' : 'Offline' };
  }
}

type AdminUserQuery = NonNullable<paths['/api/admin/users']['get']['parameters']['query']>;
type AdminEmailQuery = NonNullable<paths['/api/admin/email']['get']['parameters']['query']>;
type EvalBody<P extends '/pretest' | '/pretest/submit' | '/reaction' | '/follow-up'> = Body<
  `/api/evaluation/{courseId}${P}`,
  'post'
>;

/** The learner's evaluation steps (site/components/evaluation/EvaluationStep.svelte). */
export const evaluation = (courseId: string) => {
  const params = { path: { courseId } };
  return {
    state: () => call(() => client.GET('/api/evaluation/{courseId}', { params })),
    startPretest: (body: EvalBody<'/pretest'>) =>
      call(() => client.POST('/api/evaluation/{courseId}/pretest', { params, body })),
    submitPretest: (body: EvalBody<'/pretest/submit'>) =>
      call(() => client.POST('/api/evaluation/{courseId}/pretest/submit', { params, body })),
    react: (body: EvalBody<'/reaction'>) =>
      call(() => client.POST('/api/evaluation/{courseId}/reaction', { params, body })),
    followUp: (body: EvalBody<'/follow-up'>) =>
      call(() => client.POST('/api/evaluation/{courseId}/follow-up', { params, body })),
  };
};

/**
 * Every request the instructor and admin islands make, typed by the API's generated types: the
 * islands (Svelte, not type-checked) call these, so a changed answer breaks `npm run typecheck` here.
 */
export const dash = {
  me: () => call(() => client.GET('/api/me')),
  adminEmail: (query: AdminEmailQuery) => call(() => client.GET('/api/admin/email', { params: { query } })),
  cohorts: () => call(() => client.GET('/api/cohorts')),
  createCohort: (body: Body<'/api/cohorts', 'post'>) => call(() => client.POST('/api/cohorts', { body })),
  cohort: (id: number) => call(() => client.GET('/api/cohorts/{id}', { params: { path: { id } } })),
  updateCohort: (id: number, body: Body<'/api/cohorts/{id}', 'patch'>) =>
    call(() => client.PATCH('/api/cohorts/{id}', { params: { path: { id } }, body })),
  organisations: () => call(() => client.GET('/api/organisations')),
  oblasts: () => call(() => client.GET('/api/oblasts')),
  members: (id: number) => call(() => client.GET('/api/cohorts/{id}/members', { params: { path: { id } } })),
  assignCourse: (id: number, courseId: string, due_on: string | null) =>
    call(() =>
      client.PUT('/api/cohorts/{id}/courses/{courseId}', { params: { path: { id, courseId } }, body: { due_on } }),
    ),
  unassignCourse: (id: number, courseId: string) =>
    call(() => client.DELETE('/api/cohorts/{id}/courses/{courseId}', { params: { path: { id, courseId } } })),
  createCode: (id: number, body: Body<'/api/cohorts/{id}/codes', 'post'>) =>
    call(() => client.POST('/api/cohorts/{id}/codes', { params: { path: { id } }, body })),
  revokeCode: (id: number, codeId: string) =>
    call(() => client.POST('/api/cohorts/{id}/codes/{codeId}/revoke', { params: { path: { id, codeId } } })),
  removeMember: (id: number, userId: number) =>
    call(() => client.DELETE('/api/cohorts/{id}/members/{userId}', { params: { path: { id, userId } } })),
  importMembers: (id: number, body: Body<'/api/cohorts/{id}/import', 'post'>) =>
    call(() => client.POST('/api/cohorts/{id}/import', { params: { path: { id } }, body })),
  report: (id: number) => call(() => client.GET('/api/reports/cohorts/{id}', { params: { path: { id } } })),
  reportSummary: (id: number) =>
    call(() => client.GET('/api/reports/cohorts/{id}', { params: { path: { id }, query: { learners: 'none' } } })),
  learner: (id: number, userId: number) =>
    call(() => client.GET('/api/reports/cohorts/{id}/learners/{userId}', { params: { path: { id, userId } } })),
  items: (id: number) => call(() => client.GET('/api/reports/cohorts/{id}/items', { params: { path: { id } } })),
  lateAttempts: () => call(() => client.GET('/api/late-attempts')),
  decideLate: (id: string, decision: 'accept' | 'reject') =>
    call(() => client.POST('/api/attempts/{id}/late/{decision}', { params: { path: { id, decision } } })),
  allCohorts: () => call(() => client.GET('/api/admin/cohorts')),
  users: (query: AdminUserQuery) => call(() => client.GET('/api/admin/users', { params: { query } })),
  updateUser: (id: number, body: Body<'/api/admin/users/{id}', 'patch'>) =>
    call(() => client.PATCH('/api/admin/users/{id}', { params: { path: { id } }, body })),
  resetLink: (id: number) => call(() => client.POST('/api/admin/users/{id}/reset-link', { params: { path: { id } } })),
  revokeCertificate: (code: string, reason: string) =>
    call(() => client.POST('/api/admin/certificates/{code}/revoke', { params: { path: { code } }, body: { reason } })),
};

/** `strings` lookup with `{name}` placeholders. */
export const fmt =
  (strings: Record<string, string>) =>
  (key: string, vars: Record<string, string | number> = {}) =>
    (strings[key] ?? key).replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));

export const dateFmt =
  (locale: Locale) =>
  (iso: string | null | undefined): string =>
    iso ? formatDate(iso, locale, 'medium') : '—';
