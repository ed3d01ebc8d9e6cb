/**
 * LTI Dynamic Registration 1.0: the platform opens the tool's registration URL with
 * `openid_configuration` and `registration_token`; the tool reads the platform's configuration,
 * posts its own (login, launch, JWKS and deep-linking URLs, the scopes it needs) to the platform's
 * registration endpoint, and stores the client id and deployment id the platform returns. Every URL
 * goes through safe-url.ts; an issuer already registered is refused (only an admin adds a second
 * registration of one issuer, by hand).
 */
import { z } from 'zod';
import { ltiRepo, type LtiRegistration } from '../../db/repos/lti.ts';
import type { Deps } from '../deps.ts';
import { TOOL_SCOPES } from './claims.ts';
import { checkUrl, checkUrlSyntax, UnsafeUrlError } from './safe-url.ts';
import { serviceFetch, ServiceError } from './service-token.ts';

const platformConfig = z
  .object({
    issuer: z.string().url(),
    authorization_endpoint: z.string().url(),
    token_endpoint: z.string().url(),
    jwks_uri: z.string().url(),
    registration_endpoint: z.string().url(),
    'https://purl.imsglobal.org/spec/lti-platform-configuration': z
      .object({ product_family_code: z.string().max(100).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

const registrationAnswer = z
  .object({
    client_id: z.string().min(1).max(255),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': z
      .object({ deployment_id: z.string().min(1).max(255).optional() })
      .passthrough()
      .optional(),
  })
  .passthrough();

export interface ToolUrls {
  base: string;
  login: string;
  launch: string;
  jwks: string;
  deepLink: string;
}

export const toolUrls = (base: string): ToolUrls => ({
  base,
  login: `${base}/api/lti/login`,
  launch: `${base}/api/lti/launch`,
  jwks: `${base}/api/lti/jwks`,
  deepLink: `${base}/api/lti/launch`,
});

/** The tool's configuration as a platform registration endpoint expects it. */
export function toolConfiguration(urls: ToolUrls) {
  return {
    application_type: 'web',
    response_types: ['id_token'],
    grant_types: ['implicit', 'client_credentials'],
    initiate_login_uri: urls.login,
    redirect_uris: [urls.launch],
    client_name: 'Oberih',
    jwks_uri: urls.jwks,
    token_endpoint_auth_method: 'private_key_jwt',
    scope: TOOL_SCOPES.join(' '),
    'https://purl.imsglobal.org/spec/lti-tool-configuration': {
      domain: new URL(urls.base).host,
      target_link_uri: urls.launch,
      claims: ['iss', 'sub', 'name', 'given_name', 'family_name', 'email'],
      messages: [
        { type: 'LtiResourceLinkRequest', target_link_uri: urls.launch },
        { type: 'LtiDeepLinkingRequest', target_link_uri: urls.deepLink, label: 'Oberih' },
      ],
      description: 'Oberih: online child abuse — recognise and respond',
    },
  };
}

export async function registerWithPlatform(
  deps: Pick<Deps, 'db' | 'now' | 'config'>,
  opts: { openidConfiguration: string; registrationToken?: string; learnerRole: 'cadet' | 'officer'; urls: ToolUrls },
): Promise<LtiRegistration> {
  const res = await serviceFetch(
    deps,
    opts.openidConfiguration,
    { headers: { accept: 'application/json' } },
    'platform configuration',
  );
  if (!res.ok) throw new ServiceError(`the platform configuration URL answered ${res.status}`, res.status);
  const parsed = platformConfig.safeParse(await res.json().catch(() => null));
  if (!parsed.success) throw new ServiceError('the platform configuration is not a valid OpenID configuration', null);
  const cfg = parsed.data;
  // The configuration must come from the issuer it names (Dynamic Registration §3.5.1).
  if (new URL(cfg.issuer).origin !== new URL(opts.openidConfiguration).origin)
    throw new ServiceError('the platform configuration names an issuer on another site', null);
  // A second registration claiming an issuer already registered could sign launches "from" that
  // platform; through a registration link it is refused (an admin may still add one by hand).
  if ((await ltiRepo(deps.db).registrationsByIssuer(cfg.issuer)).length)
    throw new ServiceError(
      `the issuer ${cfg.issuer} is already registered with Oberih: another registration for it can only be added by an admin by hand`,
      409,
      'issuer_registered',
    );
  // Every URL stored for later requests must pass the same rules as the requests themselves.
  try {
    checkUrlSyntax(deps, cfg.authorization_endpoint, 'authorization endpoint');
    await checkUrl(deps, cfg.token_endpoint, 'token endpoint');
    await checkUrl(deps, cfg.jwks_uri, 'JWKS URL');
  } catch (e) {
    if (e instanceof UnsafeUrlError) throw new ServiceError(e.message, null, 'url_refused');
    throw e;
  }
  const reg = await serviceFetch(
    deps,
    cfg.registration_endpoint,
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(opts.registrationToken ? { authorization: `Bearer ${opts.registrationToken}` } : {}),
      },
      body: JSON.stringify(toolConfiguration(opts.urls)),
    },
    'platform registration endpoint',
  );
  if (!reg.ok) throw new ServiceError(`the platform registration endpoint answered ${reg.status}`, reg.status);
  const answer = registrationAnswer.safeParse(await reg.json().catch(() => null));
  if (!answer.success) throw new ServiceError('the platform registration endpoint did not return a client id', null);
  const deployment = answer.data['https://purl.imsglobal.org/spec/lti-tool-configuration']?.deployment_id;
  const product = cfg['https://purl.imsglobal.org/spec/lti-platform-configuration']?.product_family_code ?? 'LTI';
  const created = await ltiRepo(deps.db).createRegistration(
    {
      name: `${product} ${new URL(cfg.issuer).host}`.slice(0, 200),
      issuer: cfg.issuer,
      client_id: answer.data.client_id,
      deployment_ids: deployment ? [deployment] : [],
      auth_url: cfg.authorization_endpoint,
      token_url: cfg.token_endpoint,
      jwks_url: cfg.jwks_uri,
      learner_role: opts.learnerRole,
      source: 'dynamic',
    },
    deps.now().toISOString(),
  );
  if (!created) throw new ServiceError('this platform and client id are already registered', 409, 'issuer_registered');
  return created;
}
