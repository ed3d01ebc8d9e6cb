/**
 * LTI 1.3 Advantage tool (issue #22): JWKS, OIDC login initiation, the launch (resource link and
 * deep linking), the new-window continuation, dynamic and manual registration, key rotation, and the
 * instructor's view of score and roster sync. The flow itself lives in api/lti/; see docs/lti.md.
 */
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { auditRepo } from '../../db/repos/audit.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { ltiRepo, type LtiRegistration } from '../../db/repos/lti.ts';
import { canSeeCohort } from '../access.ts';
import { onAttemptGraded } from '../attempt-events.ts';
import { generateToken, hashToken, sessions } from '../auth/session.ts';
import { onCourseCompleted } from '../completion.ts';
import type { AppEnv } from '../env.ts';
import { AppError, notFound } from '../errors.ts';
import { accountFor } from '../lti/accounts.ts';
import { catalogue, itemId, pathOf, targetFromItem, targetOfLaunch } from '../lti/catalogue.ts';
import { AGS_ENDPOINT, DL_SETTINGS, isInstructorRole, LTI, NRPS_CLAIM, SCOPE_SCORE } from '../lti/claims.ts';
import { deepLinkResponse, type DeepLinkTicket } from '../lti/deep-linking.ts';
import { registerWithPlatform, toolUrls } from '../lti/dynamic-registration.ts';
import { publicJwks, rotateKeys } from '../lti/keys.ts';
import { syncRoster } from '../lti/nrps.ts';
import { autoPostPage, errorPage, esc, newWindowPage, originsOf, page, type Locale } from '../lti/pages.ts';
import { queueScores } from '../lti/scores.ts';
import { checkUrl, checkUrlSyntax, UnsafeUrlError } from '../lti/safe-url.ts';
import { ServiceError } from '../lti/service-token.ts';
import { launchState, LaunchError, validateIdToken, type ValidLaunch } from '../lti/validate.ts';
import { writeSessionCookie } from '../middleware/session.ts';
import { originOf } from '../middleware/origin.ts';
import { Resource } from '../route.ts';

const STATE_TTL_MS = 10 * 60_000;
const LINK_TTL_MS = 7 * 24 * 3600_000;

// Scores follow the learner's work: a graded submission and a course completion (api/lti/scores.ts).
onAttemptGraded((deps, a) =>
  queueScores(deps, {
    userId: a.userId,
    courseId: a.courseId,
    kinds: ['assessment', 'course'],
    score: a.score,
    completed: a.passed,
    key: `attempt:${a.attemptId}`,
  }).then(() => undefined),
);
onCourseCompleted((deps, c) =>
  queueScores(deps, {
    userId: c.userId,
    courseId: c.courseId,
    kinds: ['course', 'module'],
    score: c.score ?? 100,
    completed: true,
    key: `completion:${c.completionId}`,
  }).then(() => undefined),
);

/** The tool's public base URL: PUBLIC_URL, or the request's own origin (development). */
export const toolBase = (c: Context<AppEnv>) =>
  (c.get('deps').config.publicUrl ?? originOf(c.req.url).origin).replace(/\/$/, '');

/** One cookie per launch in flight, so two launches in two tabs do not overwrite each other's state. */
export const stateCookieName = (state: string) => `oberih_lti_${state.slice(0, 12)}`;

const localeOf = (v: string | undefined): Locale => (v && /^en/i.test(v) ? 'en' : 'uk');
const reqLocale = (c: Context<AppEnv>): Locale => localeOf(c.req.header('accept-language'));
const frameOf = (reg: LtiRegistration | undefined) => (reg ? originsOf([reg.issuer, reg.auth_url]) : []);

const loginParams = z.object({
  iss: z.string().url().max(2000),
  login_hint: z.string().min(1).max(4000),
  target_link_uri: z.string().url().max(2000),
  lti_message_hint: z.string().max(8000).optional(),
  client_id: z.string().min(1).max(255).optional(),
  lti_deployment_id: z.string().min(1).max(255).optional(),
});
type LoginParams = z.output<typeof loginParams>;

const httpsUrl = z
  .string()
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const registrationBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    issuer: httpsUrl,
    client_id: z.string().trim().min(1).max(255),
    deployment_ids: z.array(z.string().trim().min(1).max(255)).min(1).max(50),
    auth_url: httpsUrl,
    token_url: httpsUrl,
    jwks_url: httpsUrl,
    learner_role: z.enum(['cadet', 'officer']).default('cadet'),
  })
  .strict();
const registrationPatch = z
  .object({
    enabled: z.boolean().optional(),
    learner_role: z.enum(['cadet', 'officer']).optional(),
    deployment_ids: z.array(z.string().trim().min(1).max(255)).min(1).max(50).optional(),
    name: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'send at least one field');
const idParam = z.object({ id: z.coerce.number().int().positive() }).strict();

const registrationView = z.object({
  id: z.number(),
  name: z.string(),
  issuer: z.string(),
  client_id: z.string(),
  deployment_ids: z.array(z.string()),
  auth_url: z.string(),
  token_url: z.string(),
  jwks_url: z.string(),
  learner_role: z.enum(['cadet', 'officer']),
  enabled: z.boolean(),
  source: z.enum(['dynamic', 'manual']),
  created_at: z.string(),
  updated_at: z.string(),
});
const view = (r: LtiRegistration): z.output<typeof registrationView> => ({
  ...r,
  deployment_ids: JSON.parse(r.deployment_ids) as string[],
  enabled: !!r.enabled,
});

async function startLogin(c: Context<AppEnv>, p: LoginParams) {
  const deps = c.get('deps');
  const locale = reqLocale(c);
  const repo = ltiRepo(deps.db);
  let reg: LtiRegistration | undefined;
  if (p.client_id) reg = await repo.registrationFor(p.iss, p.client_id);
  else {
    const all = await repo.registrationsByIssuer(p.iss);
    reg = all.length === 1 ? all[0] : undefined;
  }
  const reject = (e: LaunchError) => {
    deps.log.warn('lti login rejected', { reason: e.reason, iss: p.iss.slice(0, 200) });
    return errorPage(c, locale, e, frameOf(reg));
  };
  if (!reg) return reject(new LaunchError(400, 'unknown_registration', 'this platform is not registered with Oberih'));
  if (!reg.enabled)
    return reject(
      new LaunchError(403, 'registration_disabled', 'launches from this platform are switched off by an admin'),
    );
  if (p.lti_deployment_id && !(JSON.parse(reg.deployment_ids) as string[]).includes(p.lti_deployment_id))
    return reject(
      new LaunchError(403, 'unknown_deployment', 'the deployment id of this launch is not registered with the tool'),
    );
  const state = generateToken(20);
  const nonce = generateToken(20);
  const now = deps.now();
  await repo.createState({
    state,
    nonce,
    registration_id: reg.id,
    login_params: JSON.stringify(p),
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + STATE_TTL_MS).toISOString(),
  });
  // SameSite=None (the launch is a cross-site form post from the platform) needs Secure; browsers
  // accept Secure cookies from http://localhost, so development works there (docs/lti.md).
  setCookie(c, stateCookieName(state), state, {
    httpOnly: true,
    secure: true,
    sameSite: 'None',
    path: '/api/lti/',
    maxAge: STATE_TTL_MS / 1000,
  });
  const auth = new URL(reg.auth_url);
  const q: Record<string, string> = {
    scope: 'openid',
    response_type: 'id_token',
    response_mode: 'form_post',
    prompt: 'none',
    client_id: reg.client_id,
    redirect_uri: `${toolBase(c)}/api/lti/launch`,
    login_hint: p.login_hint,
    state,
    nonce,
  };
  if (p.lti_message_hint) q.lti_message_hint = p.lti_message_hint;
  for (const [k, v] of Object.entries(q)) auth.searchParams.set(k, v);
  return c.redirect(auth.toString(), 302);
}

async function resourceLaunch(c: Context<AppEnv>, v: ValidLaunch, locale: Locale, loginParams: string) {
  const deps = c.get('deps');
  const repo = ltiRepo(deps.db);
  const { claims, registration: reg } = v;
  if (!claims.sub) throw new LaunchError(400, 'anonymous_launch', 'the platform did not say who the user is (no sub)');
  const instructor = isInstructorRole(claims[`${LTI}roles`]);
  const target = targetOfLaunch(deps.catalog, claims[`${LTI}custom`], claims[`${LTI}target_link_uri`]);
  const account = await accountFor(deps, reg, {
    sub: claims.sub,
    name: claims.name,
    given_name: claims.given_name,
    family_name: claims.family_name,
    email: claims.email,
    instructor,
    locale,
  });
  // Admins sign in with their password and second factor only: a platform must not open an admin session.
  if (account.role === 'admin' || !['cadet', 'officer', 'instructor'].includes(account.role))
    throw new LaunchError(403, 'role_not_allowed', 'this Oberih account cannot be opened from a platform');
  const at = deps.now().toISOString();
  const ctxClaim = claims[`${LTI}context`];
  let contextRowId: number | null = null;
  if (ctxClaim) {
    let ctx = await repo.context(reg.id, ctxClaim.id);
    if (!ctx && account.role === 'instructor' && instructor) {
      const title = (ctxClaim.title || ctxClaim.label || ctxClaim.id).slice(0, 200);
      const cohort = await cohortsRepo(deps.db).create({
        name: title,
        unit: reg.name.slice(0, 200),
        starts_on: null,
        ends_on: null,
        owner_id: account.id,
        created_at: at,
      });
      await repo.createContext({
        registration_id: reg.id,
        context_id: ctxClaim.id,
        title,
        cohort_id: cohort.id,
        nrps_url: claims[NRPS_CLAIM]?.context_memberships_url ?? null,
        created_at: at,
      });
      ctx = await repo.context(reg.id, ctxClaim.id);
    }
    if (ctx) {
      contextRowId = ctx.id;
      if (account.role === 'instructor' && instructor) {
        if (target) await repo.assignCourse(ctx.cohort_id, target.course, at);
        await repo.markRosterDue(ctx.id, claims[NRPS_CLAIM]?.context_memberships_url ?? ctx.nrps_url);
      } else if (account.role === 'cadet' || account.role === 'officer') {
        await repo.addMember(ctx.cohort_id, account.id, at);
      }
    }
  }
  const ags = claims[AGS_ENDPOINT];
  if (
    target &&
    ags?.lineitem &&
    ags.scope.includes(SCOPE_SCORE) &&
    (account.role === 'cadet' || account.role === 'officer')
  )
    await repo.upsertGradeLink({
      registration_id: reg.id,
      user_id: account.id,
      lti_sub: claims.sub,
      course_id: target.course,
      kind: target.kind,
      lineitem_url: ags.lineitem,
      context_id: contextRowId,
      created_at: at,
    });
  await auditRepo(deps.db).record({
    event: 'lti.login',
    actor_id: account.id,
    target: `user:${account.id}`,
    details: { registration: reg.id, created: account.created },
  });
  const path = pathOf(locale, target);
  // In a frame the session cookie (SameSite=Lax) would not reach our pages: start the launch again in a
  // new window, where the platform authenticates whoever opens it. Never a link that signs in by itself:
  // a link that opens a session can be handed to someone else (login CSRF, found by a hostile review).
  if (c.req.header('sec-fetch-dest') === 'iframe') {
    const p = JSON.parse(loginParams) as Record<string, string>;
    return newWindowPage(c, locale, `/api/lti/login?${new URLSearchParams(p).toString()}`, frameOf(reg));
  }
  await signIn(c, account.id, account.role);
  return c.redirect(path, 303);
}

async function signIn(c: Context<AppEnv>, userId: number, role: Parameters<ReturnType<typeof sessions>['create']>[1]) {
  const deps = c.get('deps');
  const s = await sessions(deps.db, deps.now, deps.sessionCache).create(userId, role);
  writeSessionCookie(c, s.token, s.expiresAt);
}

async function deepLinkChoice(c: Context<AppEnv>, v: ValidLaunch, locale: Locale) {
  const deps = c.get('deps');
  const settings = v.claims[DL_SETTINGS];
  if (!settings) throw new LaunchError(400, 'invalid_claims', 'the deep-linking request has no deep_linking_settings');
  if (!isInstructorRole(v.claims[`${LTI}roles`]))
    throw new LaunchError(403, 'not_instructor', 'only instructors can add Oberih activities');
  const ticket = generateToken(20);
  const payload: DeepLinkTicket = {
    return_url: settings.deep_link_return_url,
    data: settings.data,
    deployment_id: v.claims[`${LTI}deployment_id`],
    locale,
  };
  await ltiRepo(deps.db).createTicket({
    token_hash: hashToken(ticket),
    kind: 'deep_link',
    registration_id: v.registration.id,
    user_id: null,
    payload: JSON.stringify(payload),
    expires_at: new Date(deps.now().getTime() + 30 * 60_000).toISOString(),
  });
  const items = catalogue(deps.catalog, locale);
  const uk = locale === 'uk';
  const radios = items
    .map(
      (it, i) =>
        `<label><input type="radio" name="item" value="${esc(it.id)}"${i === 0 ? ' checked' : ''}> ${esc(it.title)}</label>`,
    )
    .join('\n');
  return page(c, {
    locale,
    title: uk ? 'Додати активність Oberih' : 'Add an Oberih activity',
    frameAncestors: frameOf(v.registration),
    body: `<form method="post" action="/api/lti/deep-link">
<input type="hidden" name="ticket" value="${ticket}"><input type="hidden" name="locale" value="${locale}">
<fieldset><legend>${uk ? 'Що відкриватиме активність' : 'What the activity opens'}</legend>
${radios}
</fieldset>
<p>${uk ? 'Оцінка (0–100) надходитиме до журналу оцінок платформи.' : "The score (0–100) is sent to the platform's gradebook."}</p>
<button type="submit">${uk ? 'Додати' : 'Add'}</button></form>`,
  });
}

function rejectLaunch(c: Context<AppEnv>, e: unknown, locale: Locale, reg?: LtiRegistration) {
  if (!(e instanceof LaunchError)) throw e;
  c.get('deps').log.warn('lti launch rejected', {
    reason: e.reason,
    message: e.message,
    registration: reg?.id ?? null,
  });
  return errorPage(c, locale, e, frameOf(reg));
}

export function ltiRoutes() {
  return new Resource('/api/lti', 'lti')
    .route(
      {
        method: 'get',
        path: '/jwks',
        summary: "The tool's public keys (RS256 JWKS) platforms verify its messages and service assertions with",
        access: 'public',
        response: z.object({ keys: z.array(z.record(z.unknown())) }),
      },
      async (c) => c.json(await publicJwks(c.get('deps'))),
    )
    .route(
      {
        method: 'get',
        path: '/login',
        summary: 'OIDC third-party login initiation (redirects to the platform with state and nonce)',
        access: 'public',
        query: loginParams,
        produces: 'text/html',
        status: [200, 302],
        errors: [400, 401, 403],
      },
      (c, { query }) => startLogin(c, query),
    )
    .route(
      {
        method: 'post',
        path: '/login',
        summary: 'OIDC third-party login initiation, as a form post',
        access: 'public',
        body: loginParams,
        form: true,
        produces: 'text/html',
        operationId: 'lti.loginPost',
        status: [200, 302],
        errors: [400, 401, 403],
      },
      (c, { body }) => startLogin(c, body),
    )
    .route(
      {
        method: 'post',
        path: '/launch',
        summary: "The platform's form post of the id_token: validated, then a resource link or deep-linking launch",
        access: 'public',
        body: z.object({ id_token: z.string().max(30_000).optional(), state: z.string().max(200).optional() }),
        form: true,
        produces: 'text/html',
        status: [200, 303],
        errors: [400, 401, 403],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        let locale = reqLocale(c);
        let reg: LtiRegistration | undefined;
        try {
          if (!body.id_token || !body.state)
            throw new LaunchError(400, 'missing_fields', 'the platform did not send an id_token and a state');
          const st = await launchState(deps, body.state);
          reg = await ltiRepo(deps.db).registration(st.registration_id);
          const cookie = getCookie(c, stateCookieName(body.state));
          if (!cookie && !st.used_at) {
            // The browser did not keep the state cookie (third-party cookies blocked in a frame): start over
            // as a top-level page, where the cookie is first-party.
            deps.log.warn('lti launch without its state cookie', { registration: st.registration_id });
            const p = JSON.parse(st.login_params) as Record<string, string>;
            return newWindowPage(c, locale, `/api/lti/login?${new URLSearchParams(p).toString()}`, frameOf(reg));
          }
          if (cookie !== body.state)
            throw new LaunchError(401, 'state_mismatch', 'the launch state does not belong to this browser');
          const v = await validateIdToken(deps, body.id_token, st);
          locale = localeOf(v.claims[`${LTI}launch_presentation`]?.locale ?? 'uk');
          deleteCookie(c, stateCookieName(body.state), { path: '/api/lti/', secure: true, sameSite: 'None' });
          return v.messageType === 'LtiDeepLinkingRequest'
            ? await deepLinkChoice(c, v, locale)
            : await resourceLaunch(c, v, locale, st.login_params);
        } catch (e) {
          return rejectLaunch(c, e, locale, reg);
        }
      },
    )
    .route(
      {
        method: 'post',
        path: '/deep-link',
        summary:
          "The instructor's choice in the deep-linking page: answers the platform with a signed LtiDeepLinkingResponse",
        access: 'public',
        body: z.object({
          ticket: z.string().max(100),
          item: z.string().max(300),
          locale: z.enum(['uk', 'en']).default('uk'),
        }),
        form: true,
        produces: 'text/html',
        status: 200,
        errors: [400, 401, 403],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const repo = ltiRepo(deps.db);
        let reg: LtiRegistration | undefined;
        try {
          const target = targetFromItem(deps.catalog, body.item);
          if (!target)
            throw new LaunchError(400, 'unknown_item', 'choose a course, a module or an assessment from the list');
          const t = await repo.useTicket(hashToken(body.ticket), 'deep_link', deps.now().toISOString());
          if (!t)
            throw new LaunchError(400, 'ticket_invalid', 'this choice was already sent or has expired: start again');
          reg = await repo.registration(t.registration_id);
          if (!reg?.enabled)
            throw new LaunchError(
              403,
              'registration_disabled',
              'launches from this platform are switched off by an admin',
            );
          const ticket = JSON.parse(t.payload) as DeepLinkTicket;
          const item = catalogue(deps.catalog, ticket.locale).find((i) => i.id === itemId(target))!;
          const jwt = await deepLinkResponse(deps, reg, ticket, item, `${toolBase(c)}/api/lti/launch`);
          return autoPostPage(c, ticket.locale, ticket.return_url, { JWT: jwt }, frameOf(reg));
        } catch (e) {
          return rejectLaunch(c, e, body.locale, reg);
        }
      },
    )
    .route(
      {
        method: 'get',
        path: '/register',
        summary:
          'Dynamic registration: the URL an admin pastes into the platform\'s "Register a tool" (single-use token t)',
        access: 'public',
        // Lenient on purpose: a missing or odd parameter gets the HTML page below (framed by the
        // platform like the success page), never a JSON error the platform's frame cannot show.
        query: z
          .object({
            t: z.string().optional(),
            openid_configuration: z.string().optional(),
            registration_token: z.string().optional(),
          })
          .passthrough(),
        produces: 'text/html',
        status: 200,
        errors: [400, 403, 409],
      },
      async (c, { query }) => {
        const deps = c.get('deps');
        const locale = reqLocale(c);
        const repo = ltiRepo(deps.db);
        // The one page of the tool a platform frames before it is registered: framed by the origin of
        // the platform's configuration URL only, on success and on every failure alike (docs/lti.md).
        const config = query.openid_configuration ?? '';
        const frame = /^https?:\/\//.test(config) && config.length <= 2000 ? originsOf([config]) : [];
        const fail = (reason: string, message: string, status: 400 | 403 | 409 = 400) => {
          deps.log.warn('lti dynamic registration failed', { reason, message });
          return errorPage(c, locale, { status, reason, message }, frame);
        };
        // Incomplete is a bad request (400); a whole link that is unknown, used or expired is refused (403).
        if (!query.t || query.t.length > 100)
          return fail('link_incomplete', 'the registration link is incomplete: copy the whole link from Oberih');
        if (!frame.length)
          return fail(
            'missing_configuration',
            'the platform did not send its openid_configuration URL: start the registration from the platform',
          );
        if ((query.registration_token?.length ?? 0) > 4000)
          return fail('invalid_request', 'the registration token is too long');
        // Claim the single-use link first, atomically: of two registrations racing with one link, one wins.
        const tokenHash = hashToken(query.t);
        const at = deps.now().toISOString();
        const link = await repo.useRegistrationLink(tokenHash, at);
        if (!link)
          return fail(
            'link_invalid',
            'this registration link was already used or has expired: make a new one in Oberih',
            403,
          );
        let created: LtiRegistration;
        try {
          created = await registerWithPlatform(deps, {
            openidConfiguration: config,
            registrationToken: query.registration_token,
            learnerRole: link.learner_role,
            urls: toolUrls(toolBase(c)),
          });
        } catch (e) {
          await repo.releaseRegistrationLink(tokenHash, at);
          if (e instanceof ServiceError) return fail(e.reason, e.message, e.reason === 'issuer_registered' ? 409 : 400);
          throw e;
        }
        await auditRepo(deps.db).record({
          event: 'lti.registration_created',
          actor_id: link.created_by,
          target: `lti:${created.id}`,
          details: { issuer: created.issuer, client_id: created.client_id, source: 'dynamic' },
        });
        const uk = locale === 'uk';
        return page(c, {
          locale,
          title: uk ? 'Oberih зареєстровано' : 'Oberih is registered',
          frameAncestors: frame,
          script: 'close',
          body: `<p role="status">${
            uk
              ? 'Платформа й Oberih обмінялися налаштуваннями. Закрийте це вікно й активуйте інструмент на платформі.'
              : 'The platform and Oberih exchanged their configuration. Close this window and activate the tool on the platform.'
          }</p>`,
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/registrations',
        summary: "Registered platforms, and the tool's URLs for a manual registration",
        access: ['admin'],
        response: z.object({
          registrations: z.array(registrationView),
          tool: z.object({ login: z.string(), launch: z.string(), jwks: z.string(), deep_link: z.string() }),
        }),
      },
      async (c) => {
        const urls = toolUrls(toolBase(c));
        return c.json({
          registrations: (await ltiRepo(c.get('deps').db).registrations()).map(view),
          tool: { login: urls.login, launch: urls.launch, jwks: urls.jwks, deep_link: urls.deepLink },
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/registrations',
        summary: 'Register a platform by hand (issuer, client id, deployment ids, OIDC auth, token and JWKS URLs)',
        access: ['admin'],
        body: registrationBody,
        response: z.object({ registration: registrationView }),
        status: 201,
        errors: [400, 409],
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        // The same URL rules as every request the tool makes (api/lti/safe-url.ts), with a message naming the URL.
        try {
          checkUrlSyntax(deps, body.issuer, 'issuer');
          checkUrlSyntax(deps, body.auth_url, 'auth_url');
          await checkUrl(deps, body.token_url, 'token_url');
          await checkUrl(deps, body.jwks_url, 'jwks_url');
        } catch (e) {
          if (!(e instanceof UnsafeUrlError)) throw e;
          throw new AppError(400, 'validation_failed', e.message);
        }
        const created = await ltiRepo(deps.db).createRegistration(
          { ...body, source: 'manual' },
          deps.now().toISOString(),
        );
        if (!created) throw new AppError(409, 'conflict', 'this issuer and client id are already registered');
        await auditRepo(deps.db).record({
          event: 'lti.registration_created',
          actor_id: c.get('user')!.id,
          target: `lti:${created.id}`,
          details: { issuer: created.issuer, client_id: created.client_id, source: 'manual' },
        });
        return c.json({ registration: view(created) }, 201);
      },
    )
    .route(
      {
        method: 'patch',
        path: '/registrations/:id',
        summary: 'Enable or disable a registration, or change its learner role, deployment ids or name',
        access: ['admin'],
        params: idParam,
        body: registrationPatch,
        response: z.object({ registration: registrationView }),
        errors: [404],
      },
      async (c, { params, body }) => {
        const deps = c.get('deps');
        const repo = ltiRepo(deps.db);
        if (!(await repo.updateRegistration(params.id, body, deps.now().toISOString()))) throw notFound('registration');
        await auditRepo(deps.db).record({
          event: 'lti.registration_changed',
          actor_id: c.get('user')!.id,
          target: `lti:${params.id}`,
          details: { fields: Object.keys(body), ...(body.enabled !== undefined ? { enabled: body.enabled } : {}) },
        });
        return c.json({ registration: view((await repo.registration(params.id))!) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/registration-links',
        summary: 'A single-use dynamic registration URL (7 days) for a platform\'s "Register a tool"',
        access: ['admin'],
        body: z.object({ learner_role: z.enum(['cadet', 'officer']).default('cadet') }).strict(),
        response: z.object({ url: z.string(), expires_at: z.string() }),
        status: 201,
      },
      async (c, { body }) => {
        const deps = c.get('deps');
        const token = generateToken(20);
        const now = deps.now();
        const expires = new Date(now.getTime() + LINK_TTL_MS).toISOString();
        await ltiRepo(deps.db).createRegistrationLink({
          token_hash: hashToken(token),
          learner_role: body.learner_role,
          created_by: c.get('user')!.id,
          created_at: now.toISOString(),
          expires_at: expires,
        });
        await auditRepo(deps.db).record({
          event: 'lti.registration_link_created',
          actor_id: c.get('user')!.id,
          details: { learner_role: body.learner_role, expires_at: expires },
        });
        return c.json({ url: `${toolBase(c)}/api/lti/register?t=${token}`, expires_at: expires }, 201);
      },
    )
    .route(
      {
        method: 'post',
        path: '/keys/rotate',
        summary: "Rotate the tool's signing key (the old key stays published for 7 days); send { confirm: true }",
        access: ['admin'],
        body: z.object({ confirm: z.literal(true) }).strict(),
        response: z.object({ kid: z.string() }),
      },
      async (c) => {
        const deps = c.get('deps');
        const kid = await rotateKeys(deps);
        await auditRepo(deps.db).record({ event: 'lti.keys_rotated', actor_id: c.get('user')!.id, details: { kid } });
        return c.json({ kid });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts',
        summary: "The caller's cohorts made from a platform's course (admins: every one), for the sync view",
        access: ['instructor', 'admin'],
        response: z.object({ cohorts: z.array(z.object({ id: z.number(), title: z.string() })) }),
      },
      async (c) => {
        const user = c.get('user')!;
        return c.json({
          cohorts: await ltiRepo(c.get('deps').db).linkedCohorts(user.role === 'admin' ? null : user.id),
        });
      },
    )
    .route(
      {
        method: 'get',
        path: '/cohorts/:id/sync',
        summary:
          "A platform-linked cohort's roster sync and, per learner, the state of the scores sent to the platform",
        access: ['instructor', 'admin'],
        params: idParam,
        response: z.object({
          context: z.object({
            title: z.string(),
            roster_synced_at: z.string().nullable(),
            roster_error: z.string().nullable(),
          }),
          learners: z.array(
            z.object({
              user_id: z.number(),
              full_name: z.string(),
              state: z.enum(['none', 'pending', 'sent', 'failed']),
              score: z.number().nullable(),
              attempts: z.number(),
              last_error: z.string().nullable(),
              sent_at: z.string().nullable(),
            }),
          ),
        }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        if (!(await canSeeCohort(deps, c.get('user')!, params.id))) throw notFound('cohort');
        const repo = ltiRepo(deps.db);
        const ctx = await repo.contextByCohort(params.id);
        if (!ctx) throw notFound('platform link of this cohort');
        const rows = await repo.cohortScoreRows(params.id, ctx.id);
        const latest = new Map<number, (typeof rows)[number]>();
        for (const r of rows) if (!latest.has(r.user_id)) latest.set(r.user_id, r);
        const members = await cohortsRepo(deps.db).members(params.id);
        return c.json({
          context: { title: ctx.title, roster_synced_at: ctx.roster_synced_at, roster_error: ctx.roster_error },
          learners: members
            .filter((m) => m.role === 'cadet' || m.role === 'officer')
            .map((m) => {
              const r = latest.get(m.id);
              return {
                user_id: m.id,
                full_name: m.full_name,
                state: !r
                  ? ('none' as const)
                  : r.sent_at
                    ? ('sent' as const)
                    : r.failed_at
                      ? ('failed' as const)
                      : ('pending' as const),
                score: r ? (JSON.parse(r.payload) as { scoreGiven: number }).scoreGiven : null,
                attempts: r?.attempts ?? 0,
                last_error: r?.last_error ?? null,
                sent_at: r?.sent_at ?? null,
              };
            }),
        });
      },
    )
    .route(
      {
        method: 'post',
        path: '/cohorts/:id/roster-sync',
        summary: "Fetch the platform's roster (NRPS) for a platform-linked cohort now",
        access: ['instructor', 'admin'],
        params: idParam,
        response: z.object({ added: z.number(), removed: z.number(), skipped: z.number() }),
        errors: [404, 503],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        if (!(await canSeeCohort(deps, c.get('user')!, params.id))) throw notFound('cohort');
        const ctx = await ltiRepo(deps.db).contextByCohort(params.id);
        if (!ctx?.nrps_url) throw notFound('roster service of this cohort');
        try {
          return c.json(await syncRoster(deps, ctx.id));
        } catch (e) {
          if (e instanceof ServiceError)
            throw new AppError(503, 'upstream_failed', `the platform's roster: ${e.message}`);
          throw e;
        }
      },
    );
}
