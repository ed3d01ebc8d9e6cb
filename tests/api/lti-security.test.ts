/**
 * The hostile review of the LTI 1.3 tool (issue #22, OWASP ASVS 5.0 L2), each finding as its attack:
 * a second registration claiming a real platform's issuer, server-side request forgery through the
 * URLs a platform supplies, two registrations racing with one single-use link, an erased person's
 * platform links and queued scores, the framing of the dynamic-registration page on every path, and
 * the tool's private keys in plaintext in the database.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { makeTestApp, tempDir, type TestApp } from '../helpers/app.ts';
import { INSTRUCTOR, LEARNER, startPlatform, type TestPlatform } from '../helpers/lti-platform.ts';
import { launch, login, postLaunch, register, sessionOf } from '../helpers/lti-flow.ts';
import { ltiWorker } from '../../api/lti/worker.ts';
import { ltiRepo } from '../../db/repos/lti.ts';
import { blockedAddress, safeFetch } from '../../api/lti/safe-url.ts';
import { signingKey } from '../../api/lti/keys.ts';
import { readEnv } from '../../api/config.ts';
import { LTI_KEY_FILE, loadLtiKeyCipher } from '../../api/lti/key-cipher.ts';

type Warning = { msg: string; data: Record<string, unknown> };

async function setup(opts: { allowPrivate: boolean }) {
  const warnings: Warning[] = [];
  const log = {
    info: () => undefined,
    warn: (msg: string, data: Record<string, unknown> = {}) => warnings.push({ msg, data }),
    error: () => undefined,
  };
  const t = await makeTestApp({
    log: log as never,
    config: { ltiTimeoutMs: 700, ...(opts.allowPrivate ? { ltiAllowPrivateUrls: true } : {}) },
  });
  const toolJwks = async () => (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] };
  const platform = await startPlatform({ toolJwks });
  const admin = await t.userWithSession('admin');
  return { t, platform, admin, warnings, toolJwks, worker: ltiWorker(t.deps) };
}

/** A server inside "the network" the tool must never be made to call; records what reaches it. */
async function internalServer() {
  const hits: { path: string; auth: string | null }[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ path: req.url!, auth: req.headers.authorization ?? null });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"members":[]}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

async function registrationLink(t: TestApp, cookie: string) {
  const res = await t.request('/api/lti/registration-links', { json: { learner_role: 'cadet' }, cookie });
  expect(res.status).toBe(201);
  return ((await res.json()) as { url: string }).url.replace('http://localhost', '');
}
const registerQuery = (platform: TestPlatform, openid = platform.urls.openid) =>
  `&openid_configuration=${encodeURIComponent(openid)}&registration_token=reg-token-1`;

const me = async (t: TestApp, cookie: string) =>
  ((await (await t.request('/api/me', { cookie })).json()) as { user: { id: number; email: string } }).user;

describe('LTI accounts belong to the registration that created them', async () => {
  const { t, platform, admin, toolJwks } = await setup({ allowPrivate: true });
  await register(t, platform, admin.cookie);
  const victim = { sub: 'victim-1', name: 'Ірина Коваль', email: 'iryna@uni.example', roles: [LEARNER] };

  it('a second registration claiming the same issuer cannot sign in as the first one’s user', async () => {
    const first = await launch(t, platform, victim);
    expect(first.res.status).toBe(303);
    const victimUser = await me(t, sessionOf(first.res)!);

    // A fake "platform" with its own keys that claims the real platform's issuer, registered as a
    // registration link would have let it before the fix (the check below refuses that now).
    const fake = await startPlatform({ toolJwks, issuer: platform.urls.issuer });
    fake.state.clientId = 'evil-client';
    await ltiRepo(t.deps.db).createRegistration(
      { ...fake.registration(), issuer: platform.urls.issuer, source: 'dynamic' },
      new Date().toISOString(),
    );
    const attack = await launch(t, fake, victim);
    expect(attack.res.status).toBe(303);
    const attacker = await me(t, sessionOf(attack.res)!);
    expect(attacker.id).not.toBe(victimUser.id);
    expect(attacker.email).not.toBe('iryna@uni.example');
    // The victim's own platform still reaches the victim's account.
    const again = await launch(t, platform, victim);
    expect((await me(t, sessionOf(again.res)!)).id).toBe(victimUser.id);
  });

  it('a dynamic registration whose issuer is already registered is refused with a clear page', async () => {
    const before = (await ltiRepo(t.deps.db).registrations()).length;
    platform.state.clientId = 'second-client-by-link';
    try {
      const path = await registrationLink(t, admin.cookie);
      const res = await t.request(path + registerQuery(platform));
      expect(res.status).toBe(409);
      const html = await res.text();
      expect(html).toContain('issuer_registered');
      expect(html).toContain('already registered');
      expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${platform.base}`);
      expect((await ltiRepo(t.deps.db).registrations()).length).toBe(before);
      // Nothing was posted to the platform's registration endpoint.
      expect(platform.recorded(/^\/register$/)).toHaveLength(0);
    } finally {
      platform.state.clientId = 'oberih-client-1';
    }
  });
});

describe('LTI server-side request forgery: URLs a platform supplies', async () => {
  it('LTI_ALLOW_PRIVATE_URLS is off by default, and honoured only with NODE_ENV=development or test', () => {
    expect(readEnv({}).LTI_ALLOW_PRIVATE_URLS).toBe('0');
    expect(readEnv({ NODE_ENV: 'test', LTI_ALLOW_PRIVATE_URLS: '1' }).LTI_ALLOW_PRIVATE_URLS).toBe('1');
    expect(readEnv({ NODE_ENV: 'development', LTI_ALLOW_PRIVATE_URLS: '1' }).LTI_ALLOW_PRIVATE_URLS).toBe('1');
    // A host that never set NODE_ENV is not assumed to be a developer's machine (hostile review).
    expect(() => readEnv({ LTI_ALLOW_PRIVATE_URLS: '1' })).toThrow(
      /LTI_ALLOW_PRIVATE_URLS: only with NODE_ENV=development or test/,
    );
    expect(() =>
      readEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://oberih.example.ua', LTI_ALLOW_PRIVATE_URLS: '1' }),
    ).toThrow(/LTI_ALLOW_PRIVATE_URLS: only with NODE_ENV=development or test/);
  });

  it('refuses loopback, private, link-local, unspecified, mapped and metadata addresses; allows public ones', () => {
    for (const a of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '0.0.0.0',
      '100.64.0.1',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '::ffff:a9fe:a9fe',
      'fd00:ec2::254',
      // IPv6 forms that carry an IPv4 address, and ranges outside global unicast (hostile review).
      '::7f00:1',
      '::ffff:0:7f00:1',
      '64:ff9b::a9fe:a9fe',
      '2002:a9fe:a9fe::',
      'fec0::1',
      '2001:0:4136:e378::1',
    ])
      expect(blockedAddress(a), a).not.toBeNull();
    for (const a of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001::1',
      '64:ff9b::808:808',
    ])
      expect(blockedAddress(a), a).toBeNull();
  });

  describe('with LTI_ALLOW_PRIVATE_URLS off (the default)', async () => {
    const { t, platform, admin, warnings } = await setup({ allowPrivate: false });

    it('a manual registration with an http, loopback, private or metadata URL answers 400 naming the problem', async () => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ jwks_url: platform.urls.jwks }, /jwks_url .*must use https/],
        [{ token_url: 'https://127.0.0.1/token' }, /token_url .*loopback, private/],
        [{ token_url: 'https://moodle.example.ua:8443/token' }, /token_url .*standard https port/],
        [{ jwks_url: 'https://169.254.169.254/latest/meta-data/' }, /jwks_url .*169\.254\.169\.254/],
        [{ jwks_url: 'https://[::ffff:10.0.0.1]/jwks' }, /jwks_url .*refused/],
        [{ token_url: 'https://localhost/token' }, /token_url .*refused/],
        [{ issuer: 'http://moodle.example' }, /issuer .*must use https/],
      ];
      const https = {
        issuer: 'https://moodle.example',
        auth_url: 'https://moodle.example/auth',
        token_url: 'https://93.184.216.34/token',
        jwks_url: 'https://93.184.216.34/jwks',
      };
      for (const [patch, message] of cases) {
        const res = await t.request('/api/lti/registrations', {
          json: { ...platform.registration(), ...https, client_id: `c-${Math.random()}`, ...patch },
          cookie: admin.cookie,
        });
        expect(res.status, JSON.stringify(patch)).toBe(400);
        expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
      }
      expect(await ltiRepo(t.deps.db).registrations()).toEqual([]);
    });

    it('dynamic registration with an http or loopback configuration URL is refused before any request', async () => {
      for (const openid of [platform.urls.openid, platform.urls.openid.replace('http:', 'https:')]) {
        const path = await registrationLink(t, admin.cookie);
        const res = await t.request(path + registerQuery(platform, openid));
        expect(res.status).toBe(400);
        const html = await res.text();
        expect(html).toContain('url_refused');
        expect(html).toMatch(/must use https|loopback, private|standard https port/);
      }
      expect(platform.requests).toHaveLength(0);
      expect(await ltiRepo(t.deps.db).registrations()).toEqual([]);
      expect(warnings.at(-1)).toMatchObject({
        msg: 'lti dynamic registration failed',
        data: { reason: 'url_refused' },
      });
    });

    it('a registration stored with a loopback JWKS URL (before the fix) cannot make a launch fetch it', async () => {
      await ltiRepo(t.deps.db).createRegistration(
        { ...platform.registration(), source: 'manual' },
        new Date().toISOString(),
      );
      const { location, cookie } = await login(t, platform);
      const a = await platform.authorize(location);
      if ('error' in a) throw new Error(a.error);
      const res = await postLaunch(t, platform, { id_token: a.id_token, state: a.state }, cookie);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('jwks_refused');
      expect(platform.recorded(/^\/jwks$/)).toHaveLength(0);
    });

    it('safeFetch refuses redirects and oversized answers (setting on, a local server)', async () => {
      const server = http.createServer((req, res) => {
        if (req.url === '/redirect') return res.writeHead(302, { location: 'http://169.254.169.254/' }).end();
        res.writeHead(200);
        const chunk = Buffer.alloc(1024 * 1024, 97);
        for (let i = 0; i < 6; i++) res.write(chunk);
        res.end();
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const deps = { config: { ...t.deps.config, ltiAllowPrivateUrls: true } };
      try {
        await expect(safeFetch(deps, `${base}/redirect`, {}, 'test URL')).rejects.toThrow(/redirect/);
        await expect(safeFetch(deps, `${base}/big`, {}, 'test URL')).rejects.toThrow(/more than 5 MB/);
        await expect(safeFetch(t.deps, `${base}/big`, {}, 'test URL')).rejects.toThrow(/must use https/);
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });

  describe('service URLs from launch claims must be on the platform’s origin', async () => {
    const { t, platform, admin, warnings, worker } = await setup({ allowPrivate: true });
    await register(t, platform, admin.cookie);
    const internal = await internalServer();
    const teacher = { sub: 'teacher-1', name: 'Олег Петренко', email: 'oleh@uni.example', roles: [INSTRUCTOR] };
    const cadet = { sub: 'learner-1', name: 'Ірина Коваль', email: 'iryna@uni.example', roles: [LEARNER] };

    it('an NRPS URL on another origin: the roster sync fails with a logged reason, nothing is requested', async () => {
      const { res } = await launch(t, platform, teacher, {
        'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
          context_memberships_url: `${internal.base}/admin/members`,
          service_versions: ['2.0'],
        },
      });
      expect(res.status).toBe(303);
      await worker.tick();
      expect(internal.hits).toEqual([]);
      const ctx = await t.deps.db.selectFrom('lti_contexts').selectAll().executeTakeFirstOrThrow();
      expect(ctx.roster_error).toMatch(
        /roster service URL \(http:\/\/127\.0\.0\.1:\d+\) is not on the platform's origin/,
      );
      expect(warnings.find((w) => w.msg === 'lti roster not synced')?.data.error).toMatch(
        /not on the platform's origin/,
      );
      // No token was asked for either: the check comes first.
      expect(platform.recorded(/^\/token$/)).toHaveLength(0);
    });

    it('an AGS line item on another origin: the score fails at once with the reason, nothing is posted', async () => {
      const { res } = await launch(t, platform, cadet, {
        'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
          scope: ['https://purl.imsglobal.org/spec/lti-ags/scope/score'],
          lineitem: `${internal.base}/lineitems/1/lineitem`,
        },
      });
      const cookie = sessionOf(res)!;
      const start = await t.request('/api/courses/fixture-course/attempts', { json: { locale: 'uk' }, cookie });
      const { attempt } = (await start.json()) as { attempt: { id: string } };
      expect((await t.request(`/api/attempts/${attempt.id}/submit`, { json: { responses: {} }, cookie })).status).toBe(
        200,
      );
      expect((await worker.tick()).failed).toBe(1);
      expect(internal.hits).toEqual([]);
      const row = await t.deps.db.selectFrom('lti_score_outbox').selectAll().executeTakeFirstOrThrow();
      expect(row.last_error).toMatch(/line item URL .* is not on the platform's origin/);
      expect(row.failed_at).not.toBeNull();
    });
  });
});

describe('LTI dynamic registration: the single-use link and the framing of its page', async () => {
  const { t, platform, admin } = await setup({ allowPrivate: true });

  it('two registrations racing with one link: exactly one succeeds', async () => {
    platform.state.registerClientIds = ['race-a', 'race-b'];
    const path = await registrationLink(t, admin.cookie);
    const results = await Promise.all([
      t.request(path + registerQuery(platform)),
      t.request(path + registerQuery(platform)),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403]);
    const loser = results.find((r) => r.status === 403)!;
    expect(await loser.text()).toContain('link_invalid');
    expect(await ltiRepo(t.deps.db).registrations()).toHaveLength(1);
    // Both pages may be shown in the platform's frame.
    for (const r of results) {
      expect(r.headers.get('content-security-policy')).toContain(`frame-ancestors ${platform.base}`);
      expect(r.headers.get('x-frame-options')).toBeNull();
    }
  });

  it('every failure answers with an HTML page framed like the success page; other routes stay unframeable', async () => {
    // A platform not registered yet (the race above registered the first one).
    const platform = await startPlatform({ toolJwks: async () => ({ keys: [] }) });
    const framed = (r: Response) => {
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.headers.get('content-security-policy')).toContain(`frame-ancestors ${platform.base};`);
      expect(r.headers.get('x-frame-options')).toBeNull();
    };
    // A used link.
    const used = await t.request(`/api/lti/register?t=nope${registerQuery(platform)}`);
    expect(used.status).toBe(403);
    framed(used);
    // The platform refuses the registration (a wrong registration token): the link can be used again.
    const path = await registrationLink(t, admin.cookie);
    const refused = await t.request(
      `${path}&openid_configuration=${encodeURIComponent(platform.urls.openid)}&registration_token=wrong`,
    );
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('answered 401');
    framed(refused);
    // An extra parameter a platform adds is no reason for a JSON error the frame cannot show.
    const extra = await t.request(`${path}${registerQuery(platform)}&lti_version=1.3.0`);
    expect(extra.status).toBe(200);
    framed(extra);
    expect(await extra.text()).not.toContain('validation_failed');
    // Without the configuration URL no platform is known: an HTML page nobody may frame.
    const none = await t.request(`${path}`);
    expect(none.status).toBe(400);
    expect(none.headers.get('content-type')).toMatch(/text\/html/);
    expect(none.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await none.text()).toContain('missing_configuration');
    // The permissive policy is this page's only.
    const other = await t.request('/api/lti/registrations', { cookie: admin.cookie });
    expect(other.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(other.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('LTI and the privacy rights: export and erasure', async () => {
  const { t, platform, admin, worker } = await setup({ allowPrivate: true });
  await register(t, platform, admin.cookie);
  const cadet = { sub: 'learner-erase', name: 'Марія Ткач', email: 'maria@uni.example', roles: [LEARNER] };

  it('the export lists the platform links (no secrets); erasure deletes them and the unsent scores', async () => {
    const { res } = await launch(t, platform, cadet);
    const cookie = sessionOf(res)!;
    const user = await me(t, cookie);
    // A grade link under another platform identity of the same person (left by a registration that
    // once claimed the same issuer, before accounts were per registration) never gets their score.
    const link = await t.deps.db
      .selectFrom('lti_grade_links')
      .selectAll()
      .where('user_id', '=', user.id)
      .executeTakeFirstOrThrow();
    const { id: _id, ...copy } = link;
    await t.deps.db
      .insertInto('lti_grade_links')
      .values({ ...copy, lti_sub: 'attacker-sub', lineitem_url: `${link.lineitem_url}-stale` })
      .execute();
    const start = await t.request('/api/courses/fixture-course/attempts', { json: { locale: 'uk' }, cookie });
    const { attempt } = (await start.json()) as { attempt: { id: string } };
    await t.request(`/api/attempts/${attempt.id}/submit`, { json: { responses: {} }, cookie });
    const outbox = () => t.deps.db.selectFrom('lti_score_outbox').selectAll().where('user_id', '=', user.id).execute();
    expect((await outbox()).map((r) => JSON.parse(r.payload).userId)).toEqual(['learner-erase']);

    const exported = await t.request(`/api/admin/users/${user.id}/export`, { cookie: admin.cookie });
    expect(exported.status).toBe(200);
    const data = (await exported.json()) as { lti_links: Record<string, unknown>[] };
    expect(data.lti_links).toEqual([
      {
        issuer: platform.urls.issuer,
        registration: 'Moodle test',
        sub: 'learner-erase',
        created_at: expect.any(String),
      },
    ]);
    expect(JSON.stringify(data)).not.toMatch(/private_jwk|client_id|token_url/);

    const erased = await t.request(`/api/admin/users/${user.id}/erase`, {
      cookie: admin.cookie,
      json: { confirm_email: 'maria@uni.example' },
    });
    expect(erased.status).toBe(200);
    expect(await outbox()).toEqual([]);
    expect(await t.deps.db.selectFrom('lti_accounts').selectAll().where('user_id', '=', user.id).execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('lti_grade_links').selectAll().where('user_id', '=', user.id).execute()).toEqual(
      [],
    );
    await worker.tick();
    expect(platform.recorded(/\/scores$/)).toHaveLength(0);
  });
});

describe('LTI tool keys are encrypted at rest', async () => {
  const { t, admin } = await setup({ allowPrivate: true });
  const rows = () => t.deps.db.selectFrom('lti_tool_keys').selectAll().orderBy('created_at').execute();

  it('the database holds only ciphertext; rotation keeps working; a plaintext key is sealed on first use', async () => {
    const jwks = (await (await t.request('/api/lti/jwks')).json()) as { keys: JWK[] };
    const [row] = await rows();
    expect(JSON.parse(row!.private_jwk)).toEqual({ enc: expect.stringMatching(/^v1\./) });
    expect(row!.private_jwk).not.toContain('"d"');
    const rotated = await t.request('/api/lti/keys/rotate', {
      method: 'POST',
      cookie: admin.cookie,
      json: { confirm: true },
    });
    expect(rotated.status).toBe(200);
    const { kid } = (await rotated.json()) as { kid: string };
    expect((await rows()).every((r) => !r.private_jwk.includes('"d"'))).toBe(true);
    const signer = await signingKey(t.deps);
    expect(signer.kid).toBe(kid);
    expect(jwks.keys[0]!.kid).not.toBe(kid);

    // A key stored before encryption at rest (plaintext JWK) still signs, and is sealed on that read.
    const active = (await rows()).find((r) => r.kid === kid)!;
    const plain = t.deps.ltiKeyCipher!.decrypt(
      (JSON.parse(active.private_jwk) as { enc: string }).enc,
      `lti-tool-key:${kid}`,
    );
    expect(JSON.parse(plain)).toHaveProperty('d');
    await ltiRepo(t.deps.db).sealKey(kid, plain);
    expect((await signingKey(t.deps)).kid).toBe(kid);
    expect((await rows()).find((r) => r.kid === kid)!.private_jwk).not.toContain('"d"');

    // Another installation's key cannot open it, and says so.
    await expect(signingKey({ ...t.deps, ltiKeyCipher: loadLtiKeyCipher({ dataDir: null }) })).rejects.toThrow(
      /cannot be decrypted: LTI_KEY_ENCRYPTION_KEY/,
    );
  });

  it('the key file is created once in the data directory with mode 0600; a bad env key is refused', () => {
    const dir = tempDir();
    const a = loadLtiKeyCipher({ dataDir: dir });
    const file = path.join(dir, LTI_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const box = a.encrypt('secret', 'x');
    expect(loadLtiKeyCipher({ dataDir: dir }).decrypt(box, 'x')).toBe('secret');
    expect(() => loadLtiKeyCipher({ dataDir: dir, envKey: 'c2hvcnQ=' })).toThrow(/32 bytes/);
    const env = Buffer.alloc(32, 7).toString('base64');
    expect(
      loadLtiKeyCipher({ dataDir: dir, envKey: env }).decrypt(
        loadLtiKeyCipher({ dataDir: null, envKey: env }).encrypt('k', 'y'),
        'y',
      ),
    ).toBe('k');
  });
});
