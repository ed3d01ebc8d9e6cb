/**
 * A made-up LTI 1.3 platform for the tests (what Moodle does, reduced to what the tool uses): its own
 * RS256 keys (jose), and a real listening HTTP server with the JWKS, the OIDC authorization endpoint
 * (answers with an auto-posting form of the id_token), the OAuth2 token endpoint (checks the tool's
 * signed assertion against the tool's JWKS), NRPS, AGS score endpoints, and the OpenID configuration
 * and registration endpoint of dynamic registration. Every service request is recorded; JWKS, scores
 * and the roster can be told to fail (junk, 4xx, 5xx, a timeout) and then recover.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';

export const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
export const INSTRUCTOR = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';
export const LEARNER = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

export type Failure = number | 'timeout';

export interface Recorded {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

export interface Person {
  sub: string;
  name?: string;
  email?: string;
  roles?: string[];
}

export async function startPlatform(opts: {
  toolJwks: () => Promise<{ keys: JWK[] }>;
  now?: () => Date;
  /** Claim this issuer instead of the server's own URL (a fake platform posing as a real one). */
  issuer?: string;
}) {
  const now = opts.now ?? (() => new Date());
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'platform-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const requests: Recorded[] = [];
  const state = {
    clientId: 'oberih-client-1',
    deploymentId: 'deployment-1',
    jwks: 'ok' as 'ok' | 'junk' | 'slow',
    scoreFailures: [] as Failure[],
    rosterFailures: [] as Failure[],
    members: [] as { user_id: string; roles: string[]; status?: string; name?: string; email?: string }[],
    /** What the next authorization answers with: the person and any claim overrides. */
    next: {
      person: { sub: 'learner-1', name: 'Ірина Коваль', email: 'iryna@uni.example', roles: [LEARNER] } as Person,
      claims: {} as Record<string, unknown>,
    },
    tokensIssued: 0,
    /** Client ids the registration endpoint hands out in turn (then `clientId`). */
    registerClientIds: [] as string[],
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      void handle(req, res, raw).catch((e: Error) => {
        res.writeHead(500).end(e.message);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );

  const issuer = opts.issuer ?? base;
  const urls = {
    issuer,
    auth: `${base}/auth`,
    token: `${base}/token`,
    jwks: `${base}/jwks`,
    openid: `${base}/.well-known/openid-configuration`,
    register: `${base}/register`,
    nrps: `${base}/nrps/course-7`,
    lineitem: `${base}/lineitems/41/lineitem`,
    deepLinkReturn: `${base}/deep-link-return`,
  };

  const fail = async (res: http.ServerResponse, f: Failure | undefined) => {
    if (f === undefined) return false;
    if (f === 'timeout') {
      await new Promise((r) => setTimeout(r, 1500));
      if (!res.writableEnded) res.writeHead(504).end();
      return true;
    }
    res.writeHead(f, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `failure ${f}` }));
    return true;
  };

  async function bearerOk(req: http.IncomingMessage) {
    return /^Bearer platform-token-\d+$/.test(req.headers.authorization ?? '');
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    const url = new URL(req.url!, base);
    const rec = (body: unknown) =>
      requests.push({ method: req.method!, path: url.pathname, auth: req.headers.authorization ?? null, body });
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

    if (url.pathname === '/jwks') {
      rec(null);
      if (state.jwks === 'junk') return res.writeHead(200, { 'content-type': 'application/json' }).end('<html>oops');
      if (state.jwks === 'slow') return void (await fail(res, 'timeout'));
      return json(200, { keys: [jwk] });
    }
    if (url.pathname === '/.well-known/openid-configuration') {
      rec(null);
      return json(200, {
        issuer,
        authorization_endpoint: urls.auth,
        token_endpoint: urls.token,
        jwks_uri: urls.jwks,
        registration_endpoint: urls.register,
        'https://purl.imsglobal.org/spec/lti-platform-configuration': { product_family_code: 'moodle', version: '4.5' },
      });
    }
    if (url.pathname === '/register' && req.method === 'POST') {
      const body = JSON.parse(raw) as unknown;
      rec(body);
      if (req.headers.authorization !== 'Bearer reg-token-1') return json(401, { error: 'bad registration token' });
      return json(200, {
        client_id: state.registerClientIds.shift() ?? state.clientId,
        'https://purl.imsglobal.org/spec/lti-tool-configuration': { deployment_id: state.deploymentId },
      });
    }
    if (url.pathname === '/auth') {
      rec(Object.fromEntries(url.searchParams));
      const r = await authorize(url.toString());
      if ('error' in r) return json(400, r);
      const html = `<!doctype html><html><body><form method="post" action="${r.redirect_uri}">
<input type="hidden" name="id_token" value="${r.id_token}"><input type="hidden" name="state" value="${r.state}">
<button>Continue</button></form><script>document.forms[0].submit()</script></body></html>`;
      return res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = Object.fromEntries(new URLSearchParams(raw));
      rec(form);
      try {
        await jwtVerify(form.client_assertion!, createLocalJWKSet(await opts.toolJwks()), {
          issuer: state.clientId,
          subject: state.clientId,
          audience: urls.token,
          algorithms: ['RS256'],
          currentDate: now(),
        });
      } catch (e) {
        return json(401, { error: 'invalid_client', message: (e as Error).message });
      }
      if (form.grant_type !== 'client_credentials') return json(400, { error: 'unsupported_grant_type' });
      state.tokensIssued++;
      return json(200, {
        access_token: `platform-token-${state.tokensIssued}`,
        token_type: 'Bearer',
        expires_in: 3600,
      });
    }
    if (url.pathname.startsWith('/nrps/')) {
      rec(null);
      if (await fail(res, state.rosterFailures.shift())) return;
      if (!(await bearerOk(req))) return json(401, { error: 'no token' });
      return json(200, { id: url.toString(), context: { id: 'course-7' }, members: state.members });
    }
    if (/^\/lineitems\/\d+\/lineitem\/scores$/.test(url.pathname) && req.method === 'POST') {
      rec(JSON.parse(raw));
      if (await fail(res, state.scoreFailures.shift())) return;
      if (!(await bearerOk(req))) return json(401, { error: 'no token' });
      if (req.headers['content-type'] !== 'application/vnd.ims.lis.v1.score+json') return json(415, { error: 'type' });
      return res.writeHead(204).end();
    }
    if (url.pathname === '/start') {
      // A Moodle course page's activity link: posts the third-party login initiation to the tool.
      const login = url.searchParams.get('login')!;
      const fields = {
        iss: issuer,
        login_hint: 'hint-1',
        target_link_uri: login.replace(/\/login$/, '/launch'),
        lti_message_hint: 'msg-1',
        client_id: state.clientId,
        lti_deployment_id: state.deploymentId,
      };
      const inputs = Object.entries(fields)
        .map(([k, v]) => `<input type="hidden" name="${k}" value="${v}">`)
        .join('');
      return res
        .writeHead(200, { 'content-type': 'text/html' })
        .end(
          `<!doctype html><html><body><form method="post" action="${login}">${inputs}<button>Go</button></form><script>document.forms[0].submit()</script></body></html>`,
        );
    }
    if (url.pathname === '/deep-link-return' && req.method === 'POST') {
      rec(Object.fromEntries(new URLSearchParams(raw)));
      return res.writeHead(200, { 'content-type': 'text/html' }).end('<p>activity added</p>');
    }
    res.writeHead(404).end();
  }

  /** Sign an id_token (any claims may be overridden; `undefined` removes one). */
  async function idToken(claims: Record<string, unknown>, key: CryptoKey | 'none' = privateKey as CryptoKey) {
    const t = Math.floor(now().getTime() / 1000);
    const payload: Record<string, unknown> = { iat: t, exp: t + 300, ...claims };
    for (const k of Object.keys(payload)) if (payload[k] === undefined) delete payload[k];
    if (key === 'none') {
      const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc(payload)}.`;
    }
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  }

  /** The claims of a resource link launch for `person`. */
  function launchClaims(person: Person, nonce: string, extra: Record<string, unknown> = {}) {
    return {
      iss: issuer,
      aud: state.clientId,
      sub: person.sub,
      nonce,
      name: person.name,
      email: person.email,
      [`${LTI}message_type`]: 'LtiResourceLinkRequest',
      [`${LTI}version`]: '1.3.0',
      [`${LTI}deployment_id`]: state.deploymentId,
      [`${LTI}target_link_uri`]: 'http://localhost/api/lti/launch',
      [`${LTI}resource_link`]: { id: 'link-1', title: 'Oberih' },
      [`${LTI}roles`]: person.roles ?? [LEARNER],
      [`${LTI}context`]: { id: 'course-7', title: 'Кримінологія 2027', label: 'CRIM' },
      [`${LTI}custom`]: { kind: 'course', course: 'fixture-course' },
      [`${LTI}launch_presentation`]: { locale: 'uk', document_target: 'window' },
      'https://purl.imsglobal.org/spec/lti-ags/claim/endpoint': {
        scope: [
          'https://purl.imsglobal.org/spec/lti-ags/scope/lineitem',
          'https://purl.imsglobal.org/spec/lti-ags/scope/score',
        ],
        lineitem: urls.lineitem,
        lineitems: `${base}/lineitems`,
      },
      'https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice': {
        context_memberships_url: urls.nrps,
        service_versions: ['2.0'],
      },
      ...extra,
    };
  }

  /** The authorization endpoint's logic: check the request, answer with the id_token for `state.next`. */
  async function authorize(
    location: string,
  ): Promise<{ id_token: string; state: string; redirect_uri: string; nonce: string } | { error: string }> {
    const q = new URL(location).searchParams;
    if (q.get('scope') !== 'openid' || q.get('response_type') !== 'id_token' || q.get('response_mode') !== 'form_post')
      return { error: 'invalid_request' };
    if (q.get('client_id') !== state.clientId) return { error: 'unauthorized_client' };
    if (q.get('prompt') !== 'none' || !q.get('nonce') || !q.get('state') || !q.get('login_hint'))
      return { error: 'invalid_request' };
    const nonce = q.get('nonce')!;
    const id_token = await idToken(launchClaims(state.next.person, nonce, state.next.claims));
    return { id_token, state: q.get('state')!, redirect_uri: q.get('redirect_uri')!, nonce };
  }

  return {
    base,
    urls,
    state,
    requests,
    kid,
    privateKey: privateKey as CryptoKey,
    idToken,
    launchClaims,
    authorize,
    /** Requests to a path, e.g. the score posts. */
    recorded: (path: RegExp) => requests.filter((r) => path.test(r.path)),
    /** What a manual registration of this platform sends. */
    registration: () => ({
      name: 'Moodle test',
      issuer,
      client_id: state.clientId,
      deployment_ids: [state.deploymentId],
      auth_url: urls.auth,
      token_url: urls.token,
      jwks_url: urls.jwks,
      learner_role: 'cadet' as const,
    }),
  };
}

export type TestPlatform = Awaited<ReturnType<typeof startPlatform>>;
