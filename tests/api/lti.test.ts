/**
 * LTI 1.3 Advantage (issue #22) through the real Hono app, driven by a made-up platform listening on
 * a real port (tests/helpers/lti-platform.ts): dynamic and manual registration, launch, account and
 * cohort mapping, deep linking, roster sync, score passback from the outbox with a failing-then-
 * recovering AGS endpoint, and every rejection (no account may be created by a rejected launch).
 */
import { describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, generateKeyPair, jwtVerify, type JWK } from 'jose';
import { makeTestApp } from '../helpers/app.ts';
import { INSTRUCTOR, LEARNER, LTI, startPlatform } from '../helpers/lti-platform.ts';
import { FORM, launch, login, postLaunch, register, sessionOf, userCount } from '../helpers/lti-flow.ts';
import { ltiWorker } from '../../api/lti/worker.ts';

async function setup() {
  let offset = 0;
  const now = () => new Date(Date.now() + offset);
  const t = await makeTestApp({ now, config: { ltiTimeoutMs: 700, ltiAllowPrivateUrls: true } });
  const platform = await startPlatform({
    now,
    toolJwks: async () => (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] },
  });
  const admin = await t.userWithSession('admin');
  const worker = ltiWorker(t.deps);
  const advance = (ms: number) => (offset += ms);
  return { t, platform, admin, worker, advance, now };
}

describe('LTI registration', async () => {
  const { t, platform, admin } = await setup();

  it('dynamic registration: one URL from the admin page, configuration exchanged, registration stored and audited', async () => {
    const link = await t.request('/api/lti/registration-links', {
      json: { learner_role: 'officer' },
      cookie: admin.cookie,
    });
    expect(link.status).toBe(201);
    const { url } = (await link.json()) as { url: string };
    expect(url).toMatch(/^http:\/\/localhost\/api\/lti\/register\?t=[a-z2-7]+$/);
    const path = url.replace('http://localhost', '');
    const q = `&openid_configuration=${encodeURIComponent(platform.urls.openid)}&registration_token=reg-token-1`;
    const res = await t.request(path + q);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('org.imsglobal.lti.close');
    // Framed by the platform only; the inline script allowed by its hash.
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${platform.base}`);
    expect(res.headers.get('x-frame-options')).toBeNull();
    const sent = platform.recorded(/^\/register$/)[0]!;
    expect(sent.auth).toBe('Bearer reg-token-1');
    const body = sent.body as Record<string, unknown>;
    expect(body.initiate_login_uri).toBe('http://localhost/api/lti/login');
    expect(body.jwks_uri).toBe('http://localhost/api/lti/jwks');
    expect(body.redirect_uris).toEqual(['http://localhost/api/lti/launch']);
    expect(String(body.scope)).toContain('https://purl.imsglobal.org/spec/lti-ags/scope/score');
    expect(String(body.scope)).toContain('contextmembership.readonly');

    const list = (await (await t.request('/api/lti/registrations', { cookie: admin.cookie })).json()) as {
      registrations: {
        issuer: string;
        client_id: string;
        deployment_ids: string[];
        learner_role: string;
        source: string;
      }[];
    };
    expect(list.registrations).toEqual([
      expect.objectContaining({
        issuer: platform.urls.issuer,
        client_id: 'oberih-client-1',
        deployment_ids: ['deployment-1'],
        learner_role: 'officer',
        source: 'dynamic',
      }),
    ]);
    const audit = await t.deps.db.selectFrom('audit_log').select('event').where('event', 'like', 'lti.%').execute();
    expect(audit.map((a) => a.event)).toEqual(['lti.registration_link_created', 'lti.registration_created']);

    // The link works once.
    const again = await t.request(path + q);
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('link_invalid');
  });

  it('manual registration: duplicates refused, disabling is audited, only admins may do it', async () => {
    const dup = await t.request('/api/lti/registrations', { json: platform.registration(), cookie: admin.cookie });
    expect(dup.status).toBe(409);
    const other = await register(t, platform, admin.cookie, { client_id: 'second-client' });
    const off = await t.request(`/api/lti/registrations/${other.id}`, {
      method: 'PATCH',
      json: { enabled: false },
      cookie: admin.cookie,
    });
    expect(off.status).toBe(200);
    expect(((await off.json()) as { registration: { enabled: boolean } }).registration.enabled).toBe(false);
    const row = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('event', '=', 'lti.registration_changed')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(row.details!)).toEqual({ fields: ['enabled'], enabled: false });
    const bad = await t.request('/api/lti/registrations', {
      json: { ...platform.registration(), client_id: 'x', jwks_url: 'javascript:alert(1)' },
      cookie: admin.cookie,
    });
    expect(bad.status).toBe(400);
    const instructor = await t.userWithSession('instructor');
    expect((await t.request('/api/lti/registrations', { cookie: instructor.cookie })).status).toBe(403);
  });

  it('publishes RS256 keys and rotates with overlap', async () => {
    const before = (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] };
    expect(before.keys).toHaveLength(1);
    expect(before.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(before.keys[0]).not.toHaveProperty('d');
    const rotated = await t.request('/api/lti/keys/rotate', {
      method: 'POST',
      cookie: admin.cookie,
      json: { confirm: true },
    });
    expect(rotated.status).toBe(200);
    const { kid } = (await rotated.json()) as { kid: string };
    const after = (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] };
    expect(after.keys.map((k) => k.kid).sort()).toEqual([before.keys[0]!.kid, kid].sort());
  });
});

describe('LTI launch, cohorts, roster, deep linking and scores', async () => {
  const { t, platform, admin, worker, advance } = await setup();
  await register(t, platform, admin.cookie);
  const teacher = { sub: 'teacher-1', name: 'Олег Петренко', email: 'oleh@uni.example', roles: [INSTRUCTOR] };
  const cadet = { sub: 'learner-1', name: 'Ірина Коваль', email: 'iryna@uni.example', roles: [LEARNER] };

  it('an instructor launch creates the instructor, a cohort for the Moodle course with the course assigned', async () => {
    const { res } = await launch(t, platform, teacher);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/uk/courses/fixture-course/');
    const cookie = sessionOf(res)!;
    const me = (await (await t.request('/api/me', { cookie })).json()) as { user: { role: string; email: string } };
    expect(me.user).toMatchObject({ role: 'instructor', email: 'oleh@uni.example' });
    const cohort = await t.deps.db
      .selectFrom('cohorts')
      .selectAll()
      .where('name', '=', 'Кримінологія 2027')
      .executeTakeFirstOrThrow();
    const courses = await t.deps.db
      .selectFrom('cohort_courses')
      .select('course_id')
      .where('cohort_id', '=', cohort.id)
      .execute();
    expect(courses.map((c) => c.course_id)).toEqual(['fixture-course']);
  });

  it('a learner launch creates one account (the registration’s learner role), joins the cohort, lands on the course', async () => {
    const before = await userCount(t);
    const first = await launch(t, platform, cadet);
    expect(first.res.status).toBe(303);
    const cookie = sessionOf(first.res)!;
    const me = (await (await t.request('/api/me', { cookie })).json()) as { user: { role: string; full_name: string } };
    expect(me.user).toMatchObject({ role: 'cadet', full_name: 'Ірина Коваль' });
    const second = await launch(t, platform, cadet, {
      [`${LTI}custom`]: { kind: 'module', course: 'fixture-course', module: 'words' },
    });
    expect(second.res.headers.get('location')).toBe('/uk/courses/fixture-course/words/');
    expect(await userCount(t)).toBe(before + 1);
    const members = await t.deps.db
      .selectFrom('cohort_members')
      .innerJoin('cohorts', 'cohorts.id', 'cohort_members.cohort_id')
      .innerJoin('lti_accounts', 'lti_accounts.user_id', 'cohort_members.user_id')
      .select('lti_accounts.sub')
      .where('cohorts.name', '=', 'Кримінологія 2027')
      .execute();
    expect(members.map((m) => m.sub)).toEqual(['learner-1']);
  });

  it('an email already used by another account is not taken over', async () => {
    await t.createUser('officer', 'taken@uni.example');
    const { res } = await launch(t, platform, {
      sub: 'learner-x',
      name: 'X',
      email: 'taken@uni.example',
      roles: [LEARNER],
    });
    const me = (await (await t.request('/api/me', { cookie: sessionOf(res)! })).json()) as { user: { email: string } };
    expect(me.user.email).toMatch(/@lti\.invalid$/);
  });

  it('NRPS fills and refreshes the cohort roster', async () => {
    platform.state.members = [
      { user_id: 'teacher-1', roles: [INSTRUCTOR], name: 'Олег Петренко' },
      { user_id: 'learner-1', roles: [LEARNER], name: 'Ірина Коваль' },
      { user_id: 'learner-2', roles: [LEARNER], name: 'Богдан Шевчук', email: 'bohdan@uni.example' },
      { user_id: 'learner-3', roles: [LEARNER], name: 'Марія Ткач' },
    ];
    await launch(t, platform, teacher); // marks the roster due
    await worker.tick();
    const nrps = platform.recorded(/^\/nrps\//);
    expect(nrps.at(-1)!.auth).toMatch(/^Bearer platform-token-/);
    const cohort = await t.deps.db
      .selectFrom('cohorts')
      .select('id')
      .where('name', '=', 'Кримінологія 2027')
      .executeTakeFirstOrThrow();
    const subs = async () =>
      (
        await t.deps.db
          .selectFrom('cohort_members')
          .innerJoin('lti_accounts', 'lti_accounts.user_id', 'cohort_members.user_id')
          .select('lti_accounts.sub')
          .where('cohort_members.cohort_id', '=', cohort.id)
          .orderBy('lti_accounts.sub')
          .execute()
      ).map((r) => r.sub);
    // learner-x launched into the course earlier; the roster adds the two who never launched.
    expect(await subs()).toEqual(['learner-1', 'learner-2', 'learner-3', 'learner-x']);
    platform.state.members[3]!.status = 'Inactive';
    const teacherSession = sessionOf((await launch(t, platform, teacher)).res)!;
    const sync = await t.request(`/api/lti/cohorts/${cohort.id}/roster-sync`, {
      method: 'POST',
      json: {},
      cookie: teacherSession,
    });
    expect(sync.status).toBe(200);
    expect(await sync.json()).toMatchObject({ removed: 1 });
    expect(await subs()).toEqual(['learner-1', 'learner-2', 'learner-x']);
    // The teacher's linked cohorts list it (the workspace's sync section asks once, not per cohort).
    const linked = await t.request('/api/lti/cohorts', { cookie: teacherSession });
    expect(await linked.json()).toEqual({ cohorts: [{ id: cohort.id, title: expect.any(String) }] });
    // Another instructor cannot see or sync it, nor find it in their list.
    const other = await t.userWithSession('instructor');
    expect(await (await t.request('/api/lti/cohorts', { cookie: other.cookie })).json()).toEqual({ cohorts: [] });
    expect((await t.request(`/api/lti/cohorts/${cohort.id}/sync`, { cookie: other.cookie })).status).toBe(404);
    expect(
      (await t.request(`/api/lti/cohorts/${cohort.id}/roster-sync`, { method: 'POST', json: {}, cookie: other.cookie }))
        .status,
    ).toBe(404);
  });

  it('deep linking: the instructor picks a module; the platform gets a signed response with a line item', async () => {
    const { res } = await launch(t, platform, teacher, {
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI}resource_link`]: undefined,
      'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
        deep_link_return_url: platform.urls.deepLinkReturn,
        accept_types: ['ltiResourceLink'],
        data: 'opaque-42',
      },
    });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('value="module:fixture-course:words"');
    expect(html).toContain('value="assessment:fixture-course"');
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${platform.base}`);
    const ticket = /name="ticket" value="([^"]+)"/.exec(html)![1]!;
    const chosen = await t.request('/api/lti/deep-link', {
      method: 'POST',
      body: new URLSearchParams({ ticket, item: 'module:fixture-course:words', locale: 'uk' }).toString(),
      headers: { 'content-type': FORM },
    });
    expect(chosen.status).toBe(200);
    expect(chosen.headers.get('content-security-policy')).toContain(`form-action 'self' ${platform.base}`);
    const page = await chosen.text();
    expect(page).toContain(`action="${platform.urls.deepLinkReturn}"`);
    const jwt = /name="JWT" value="([^"]+)"/.exec(page)![1]!;
    const jwks = (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] };
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), {
      issuer: platform.state.clientId,
      audience: platform.urls.issuer,
    });
    expect(decodeProtectedHeader(jwt).alg).toBe('RS256');
    expect(payload[`${LTI}message_type`]).toBe('LtiDeepLinkingResponse');
    expect(payload[`${LTI}deployment_id`]).toBe('deployment-1');
    expect(payload['https://purl.imsglobal.org/spec/lti-dl/claim/data']).toBe('opaque-42');
    const [item] = payload['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as Record<string, unknown>[];
    expect(item).toMatchObject({
      type: 'ltiResourceLink',
      url: 'http://localhost/api/lti/launch',
      custom: { kind: 'module', course: 'fixture-course', module: 'words' },
      lineItem: { scoreMaximum: 100, resourceId: 'module:fixture-course:words' },
    });
    // The ticket works once.
    const again = await t.request('/api/lti/deep-link', {
      method: 'POST',
      body: new URLSearchParams({ ticket, item: 'course:fixture-course', locale: 'uk' }).toString(),
      headers: { 'content-type': FORM },
    });
    expect(again.status).toBe(400);
  });

  it('a learner cannot deep link', async () => {
    const { res } = await launch(t, platform, cadet, {
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
        deep_link_return_url: platform.urls.deepLinkReturn,
        accept_types: ['ltiResourceLink'],
      },
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('not_instructor');
  });

  it('a graded submission reaches the line item once, through 5xx, 4xx and a timeout, with back-off', async () => {
    const { res } = await launch(t, platform, cadet);
    const cookie = sessionOf(res)!;
    const start = await t.request('/api/courses/fixture-course/attempts', { json: { locale: 'uk' }, cookie });
    expect(start.status).toBe(201);
    const { attempt } = (await start.json()) as { attempt: { id: string } };
    const submit = await t.request(`/api/attempts/${attempt.id}/submit`, { json: { responses: {} }, cookie });
    expect(submit.status).toBe(200);
    const outbox = () => t.deps.db.selectFrom('lti_score_outbox').selectAll().execute();
    expect(await outbox()).toHaveLength(1);

    platform.state.scoreFailures = [503, 400, 'timeout'];
    const posts = () => platform.recorded(/\/scores$/);
    expect((await worker.tick()).failed).toBe(1);
    expect((await outbox())[0]).toMatchObject({
      attempts: 1,
      sent_at: null,
      last_error: 'score endpoint answered 503',
    });
    // Not again before the back-off has passed.
    await worker.tick();
    expect(posts()).toHaveLength(1);
    advance(31_000);
    await worker.tick();
    expect((await outbox())[0]!.last_error).toBe('score endpoint answered 400');
    advance(61_000);
    await worker.tick();
    expect((await outbox())[0]!.last_error).toMatch(/no answer within/);
    // The instructor sees the learner's score as pending, with the error.
    const teacherSession = sessionOf((await launch(t, platform, teacher)).res)!;
    const cohort = await t.deps.db
      .selectFrom('cohorts')
      .select('id')
      .where('name', '=', 'Кримінологія 2027')
      .executeTakeFirstOrThrow();
    const view = async () =>
      (
        (await (await t.request(`/api/lti/cohorts/${cohort.id}/sync`, { cookie: teacherSession })).json()) as {
          learners: { full_name: string; state: string; attempts: number; last_error: string | null }[];
        }
      ).learners.find((l) => l.full_name === 'Ірина Коваль')!;
    expect(await view()).toMatchObject({ state: 'pending', attempts: 3 });
    advance(121_000);
    expect((await worker.tick()).sent).toBe(1);
    const row = (await outbox())[0]!;
    expect(row.sent_at).not.toBeNull();
    expect(await view()).toMatchObject({ state: 'sent', last_error: null });
    const ok = posts().at(-1)!;
    expect(ok.auth).toMatch(/^Bearer platform-token-/);
    expect(ok.body).toEqual({
      userId: 'learner-1',
      scoreGiven: 0,
      scoreMaximum: 100,
      activityProgress: 'Submitted',
      gradingProgress: 'FullyGraded',
      timestamp: expect.any(String),
    });
    // Never sent twice.
    advance(3600_000);
    await worker.tick();
    expect(posts()).toHaveLength(4);
  });

  it('a launch in a frame starts again in a new window, with no link that signs in by itself', async () => {
    const { res } = await launch(t, platform, cadet, {}, { 'sec-fetch-dest': 'iframe' });
    expect(res.status).toBe(200);
    expect(sessionOf(res)).toBeUndefined();
    const html = await res.text();
    expect(html).toContain('target="_blank"');
    // The link restarts the OIDC login (the platform authenticates whoever opens it): handing it to
    // someone else signs them in as nobody but themselves.
    const href = /href="(\/api\/lti\/login\?[^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    expect(href).toContain('login_hint=');
    const again = await t.request(href);
    expect(again.status).toBe(302);
    expect(sessionOf(again)).toBeUndefined();
    expect(html).not.toContain('/api/lti/continue');
  });

  it('without its state cookie (blocked in a frame) the launch offers to start again in a new window', async () => {
    platform.state.next = { person: cadet, claims: {} };
    const { location } = await login(t, platform);
    const a = await platform.authorize(location);
    if ('error' in a) throw new Error(a.error);
    const res = await postLaunch(t, platform, { id_token: a.id_token, state: a.state });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/href="\/api\/lti\/login\?iss=/);
    expect(sessionOf(res)).toBeUndefined();
  });

  it('the cross-site form post is allowed on the launch endpoint only', async () => {
    const learner = await t.userWithSession('cadet');
    const res = await t.request('/api/progress/events', {
      json: { events: [] },
      cookie: learner.cookie,
      origin: platform.base,
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('csrf_rejected');
  });
});

describe('LTI launch rejections: a clear page, a log line, no account', async () => {
  const warnings: { msg: string; data: Record<string, unknown> }[] = [];
  const now = () => new Date();
  const log = {
    info: () => undefined,
    warn: (msg: string, data: Record<string, unknown> = {}) => warnings.push({ msg, data }),
    error: () => undefined,
  };
  const t = await makeTestApp({ now, log: log as never, config: { ltiTimeoutMs: 700, ltiAllowPrivateUrls: true } });
  const platform = await startPlatform({
    now,
    toolJwks: async () => (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] },
  });
  const admin = await t.userWithSession('admin');
  const reg = await register(t, platform, admin.cookie);
  const person = { sub: 'attacker-1', name: 'Mallory', email: 'm@evil.example', roles: [LEARNER] };

  /** Login, then post `token(nonce)` as the id_token; expect a page with `reason` and no new account. */
  async function rejected(reason: string, token: (nonce: string) => Promise<string>, status = 401): Promise<void> {
    const before = await userCount(t);
    const { location, cookie } = await login(t, platform);
    const q = new URL(location).searchParams;
    const res = await postLaunch(
      t,
      platform,
      { id_token: await token(q.get('nonce')!), state: q.get('state')! },
      cookie,
    );
    const html = await res.text();
    expect(html, reason).toContain(`<code>${reason}</code>`);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(sessionOf(res)).toBeUndefined();
    expect(await userCount(t)).toBe(before);
    expect(warnings.at(-1)).toMatchObject({ msg: 'lti launch rejected', data: { reason } });
  }
  const claims = (nonce: string, extra: Record<string, unknown> = {}) => platform.launchClaims(person, nonce, extra);

  it('unsigned (alg none)', () => rejected('unsigned', (n) => platform.idToken(claims(n), 'none')));
  it('signed by another key', async () => {
    const other = (await generateKeyPair('RS256')).privateKey;
    await rejected('bad_signature', (n) => platform.idToken(claims(n), other));
  });
  it('expired', () =>
    rejected('expired', (n) => {
      const old = Math.floor(Date.now() / 1000) - 4000;
      return platform.idToken({ ...claims(n), iat: old, exp: old + 300 });
    }));
  it('wrong audience', () =>
    rejected('wrong_audience', (n) => platform.idToken({ ...claims(n), aud: 'someone-else' })));
  it('wrong azp among several audiences', () =>
    rejected('wrong_audience', (n) =>
      platform.idToken({ ...claims(n), aud: [platform.state.clientId, 'x'], azp: 'x' }),
    ));
  it('wrong issuer', () =>
    rejected('wrong_issuer', (n) => platform.idToken({ ...claims(n), iss: 'https://evil.example' })));
  it('unknown deployment', () =>
    rejected(
      'unknown_deployment',
      (n) => platform.idToken(claims(n, { [`${LTI}deployment_id`]: 'deployment-666' })),
      403,
    ));
  it('wrong LTI version', () =>
    rejected('wrong_version', (n) => platform.idToken(claims(n, { [`${LTI}version`]: '1.1' })), 400));
  it('unsupported message type', () =>
    rejected('unsupported_message_type', (n) => platform.idToken(claims(n, { [`${LTI}message_type`]: 'Other' })), 400));
  it('a nonce other than the one sent', () => rejected('nonce_mismatch', () => platform.idToken(claims('made-up'))));

  it('replayed: the same id_token and state posted again', async () => {
    const before = await userCount(t);
    const first = await launch(t, platform, { ...person, sub: 'replay-1' });
    expect(first.res.status).toBe(303);
    const again = await postLaunch(t, platform, first.form, first.cookie);
    expect(again.status).toBe(401);
    expect(await again.text()).toContain('replayed_nonce');
    expect(await userCount(t)).toBe(before + 1);
  });

  it('a state cookie from another launch', async () => {
    const a = await login(t, platform);
    const b = await login(t, platform);
    const q = new URL(a.location).searchParams;
    const token = await platform.idToken(claims(q.get('nonce')!));
    const forged = `${a.cookie.split('=')[0]}=${new URL(b.location).searchParams.get('state')}`;
    const res = await postLaunch(t, platform, { id_token: token, state: q.get('state')! }, forged);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain('state_mismatch');
  });

  it('JWKS returning junk', async () => {
    platform.state.jwks = 'junk';
    const id = (
      await register(t, platform, admin.cookie, { client_id: 'junk-client', jwks_url: `${platform.urls.jwks}?junk` })
    ).id;
    platform.state.clientId = 'junk-client';
    try {
      await rejected('jwks_invalid', (n) => platform.idToken({ ...claims(n), aud: 'junk-client' }));
    } finally {
      platform.state.clientId = 'oberih-client-1';
      platform.state.jwks = 'ok';
    }
    expect(id).toBeGreaterThan(reg.id);
  });

  it('JWKS unreachable', async () => {
    await register(t, platform, admin.cookie, { client_id: 'down-client', jwks_url: 'http://127.0.0.1:9/jwks' });
    platform.state.clientId = 'down-client';
    try {
      await rejected('jwks_unreachable', (n) => platform.idToken({ ...claims(n), aud: 'down-client' }));
    } finally {
      platform.state.clientId = 'oberih-client-1';
    }
  });

  it('a disabled registration: login initiation and a launch already under way are both refused', async () => {
    const { location, cookie } = await login(t, platform);
    await t.request(`/api/lti/registrations/${reg.id}`, {
      method: 'PATCH',
      json: { enabled: false },
      cookie: admin.cookie,
    });
    try {
      const q = new URL(location).searchParams;
      const before = await userCount(t);
      const res = await postLaunch(
        t,
        platform,
        { id_token: await platform.idToken(claims(q.get('nonce')!)), state: q.get('state')! },
        cookie,
      );
      expect(res.status).toBe(403);
      expect(await res.text()).toContain('registration_disabled');
      expect(await userCount(t)).toBe(before);
      const init = await t.request(
        `/api/lti/login?iss=${encodeURIComponent(platform.urls.issuer)}&login_hint=x&target_link_uri=http://localhost/&client_id=oberih-client-1`,
      );
      expect(init.status).toBe(403);
      expect(await init.text()).toContain('registration_disabled');
    } finally {
      await t.request(`/api/lti/registrations/${reg.id}`, {
        method: 'PATCH',
        json: { enabled: true },
        cookie: admin.cookie,
      });
    }
  });

  it('an unknown platform and malformed posts get a page, never a 500', async () => {
    const init = await t.request(
      `/api/lti/login?iss=${encodeURIComponent('https://unknown.example')}&login_hint=x&target_link_uri=http://localhost/`,
    );
    expect(init.status).toBe(400);
    expect(await init.text()).toContain('unknown_registration');
    for (const form of [{}, { id_token: 'x', state: 'nope' }, { id_token: 'not.a.jwt', state: '' }]) {
      const res = await postLaunch(t, platform, form as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
    }
  });
});
