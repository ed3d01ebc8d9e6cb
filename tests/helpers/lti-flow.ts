/**
 * The steps of an LTI launch as the tests drive them through the app (tests/api/lti*.test.ts):
 * a manual registration, the OIDC login initiation, the platform's cross-site form post of the id_token.
 */
import { expect } from 'vitest';
import type { TestApp } from './app.ts';
import type { TestPlatform } from './lti-platform.ts';

export const FORM = 'application/x-www-form-urlencoded';

export async function register(
  t: TestApp,
  platform: TestPlatform,
  cookie: string,
  patch: Record<string, unknown> = {},
) {
  const res = await t.request('/api/lti/registrations', { json: { ...platform.registration(), ...patch }, cookie });
  expect(res.status).toBe(201);
  return ((await res.json()) as { registration: { id: number } }).registration;
}

/** OIDC login initiation at the tool; returns the redirect to the platform and the state cookie. */
export async function login(t: TestApp, platform: TestPlatform) {
  const q = new URLSearchParams({
    iss: platform.urls.issuer,
    login_hint: 'hint-1',
    target_link_uri: 'http://localhost/api/lti/launch',
    lti_message_hint: 'msg-1',
    client_id: platform.state.clientId,
    lti_deployment_id: platform.state.deploymentId,
  });
  const res = await t.request(`/api/lti/login?${q}`);
  expect(res.status).toBe(302);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('oberih_lti_'))!;
  expect(setCookie).toMatch(/SameSite=None/);
  expect(setCookie).toMatch(/Secure/);
  return { location: res.headers.get('location')!, cookie: setCookie.split(';')[0]! };
}

/** Post the id_token as the platform's auto-posting form would (cross-site). */
export function postLaunch(
  t: TestApp,
  platform: TestPlatform,
  form: Record<string, string>,
  cookie?: string,
  headers: Record<string, string> = {},
) {
  return t.request('/api/lti/launch', {
    method: 'POST',
    body: new URLSearchParams(form).toString(),
    headers: { 'content-type': FORM, 'sec-fetch-site': 'cross-site', ...headers },
    origin: platform.base,
    cookie,
  });
}

/** A complete launch for `person` (the platform's authorize logic makes the token). */
export async function launch(
  t: TestApp,
  platform: TestPlatform,
  person = platform.state.next.person,
  claims: Record<string, unknown> = {},
  headers: Record<string, string> = {},
) {
  platform.state.next = { person, claims };
  const { location, cookie } = await login(t, platform);
  const a = await platform.authorize(location);
  if ('error' in a) throw new Error(a.error);
  const res = await postLaunch(t, platform, { id_token: a.id_token, state: a.state }, cookie, headers);
  return { res, cookie, form: { id_token: a.id_token, state: a.state }, nonce: a.nonce };
}

export const sessionOf = (res: Response) =>
  res.headers
    .getSetCookie()
    .find((c) => c.startsWith('oberih_session='))
    ?.split(';')[0];

export const userCount = async (t: TestApp) =>
  Number(
    (
      await t.deps.db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
