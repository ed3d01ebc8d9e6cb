/** Shared set-up for consultation tests: an app with a fake clock, supervisors with scopes, a requester. */
import type { TestApp } from '../helpers/app.ts';
import type { Role } from '../../db/schema.ts';

export const ALL_TOPICS = [
  'child-interview',
  'digital-evidence',
  'legal-qualification',
  'referral-multi-agency',
  'prevention-in-schools',
  'own-wellbeing',
];

export async function supervisor(
  t: TestApp,
  scope: { psychologist?: boolean; topics?: string[]; oblasts?: string[] } = {},
) {
  const s = await t.userWithSession('supervisor');
  await t.deps.db
    .insertInto('supervisor_profiles')
    .values({
      user_id: s.user.id,
      psychologist: scope.psychologist ? 1 : 0,
      topics: JSON.stringify(scope.topics ?? ALL_TOPICS.filter((x) => x !== 'own-wellbeing')),
      oblasts: JSON.stringify(scope.oblasts ?? ['ALL']),
      updated_at: new Date().toISOString(),
    })
    .execute();
  return s;
}

/** The JSON body (typed loosely, as `Response.json()` is). */
export const json = (res: Response) => res.json();

export async function openRequest(t: TestApp, cookie: string, over: Record<string, unknown> = {}): Promise<number> {
  const res = await t.request('/api/consultations', {
    cookie,
    json: {
      topic: 'digital-evidence',
      description: 'Як правильно вилучити телефон, який дитина передала сама, щоб не втратити листування?',
      urgency: 'routine',
      oblast: 'UA-46',
      ...over,
    },
  });
  if (res.status !== 201) throw new Error(`open failed: ${res.status} ${await res.text()}`);
  return (await json(res)).id as number;
}

export const staffRoles: Role[] = ['instructor', 'admin', 'supervisor'];
