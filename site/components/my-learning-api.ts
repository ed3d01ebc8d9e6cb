/**
 * The requests of "My learning" and its invitations, through the typed API client (Svelte files are
 * not type-checked; these are, so a changed answer breaks `npm run typecheck`).
 */
import { api } from '../lib/api/client.ts';
import type { Answer, Schemas } from '../lib/api/types.ts';

export type MyCourse = Schemas['MyCourse'];
export type Invitation = Answer<'/api/me/invitations', 'get'>['invitations'][number];

export const myLearning = {
  me: () => api.GET('/api/me'),
  courses: async (): Promise<MyCourse[] | null> => (await api.GET('/api/me/progress')).data?.courses ?? null,
  invitations: async (): Promise<Invitation[]> =>
    (await api.GET('/api/me/invitations').catch(() => null))?.data?.invitations ?? [],
  /** Join the cohort; false when it did not work (gone, offline). */
  accept: async (id: number): Promise<boolean> =>
    !!(await api.POST('/api/me/invitations/{id}/accept', { params: { path: { id } } }).catch(() => null))?.response.ok,
};
