import { Hono } from 'hono';
import { AppError, errorBody, errorHandler } from './errors.ts';
import type { Deps } from './deps.ts';
import type { AppEnv } from './env.ts';
import { limitBody } from './middleware/body-limit.ts';
import { sessionFence } from './middleware/session-fence.ts';
import { compressReads } from './middleware/compress-reads.ts';
import { csrfMiddleware } from './middleware/csrf.ts';
import { securityHeaders } from './middleware/security-headers.ts';
import { sessionMiddleware } from './middleware/session.ts';
import { API_VERSION, apiDocsHtml, openApiDocument } from './openapi.ts';
import type { Resource, RouteDoc } from './route.ts';
import { adminUserRoutes } from './routes/admin-users.ts';
import { authRoutes } from './routes/auth.ts';
import { totpRoutes } from './routes/totp.ts';
import { healthRoutes } from './routes/health.ts';
import { meRoutes } from './routes/me.ts';
import { progressRoutes } from './routes/progress.ts';
import { attemptRoutes } from './routes/attempts.ts';
import { lateAttemptRoutes } from './routes/late-attempts.ts';
import { privacyRoutes } from './routes/privacy.ts';
import { cohortRoutes } from './routes/cohorts.ts';
import { reportRoutes } from './routes/reports.ts';
import { adminRoutes } from './routes/admin.ts';
import { certificateResources } from './routes/certificates.ts';
import { scormRoutes } from './routes/scorm.ts';
import { invitationRoutes } from './routes/invitations.ts';
import { adminOrganisationRoutes, oblastRoutes, organisationRoutes } from './routes/organisations.ts';
import { programmeRoutes } from './routes/programme.ts';
import { evaluationRoutes } from './routes/evaluation.ts';
import { adminEmailRoutes } from './routes/admin-email.ts';
import { consultationRoutes } from './routes/consultations.ts';
import { supervisionRoutes } from './routes/supervision.ts';
import { caseNoteRoutes } from './routes/case-notes.ts';
import { notificationRoutes } from './routes/notifications.ts';
import { ltiRoutes } from './routes/lti.ts';

/** Every resource of the API, in the order their docs are listed. */
export function resources(): Resource[] {
  return [
    healthRoutes(),
    authRoutes(),
    totpRoutes(),
    meRoutes(),
    progressRoutes(),
    attemptRoutes(),
    lateAttemptRoutes(),
    adminUserRoutes(),
    ...certificateResources(),
    cohortRoutes(),
    invitationRoutes(),
    reportRoutes(),
    adminRoutes(),
    adminOrganisationRoutes(),
    oblastRoutes(),
    organisationRoutes(),
    programmeRoutes(),
    privacyRoutes(),
    scormRoutes(),
    evaluationRoutes(),
    adminEmailRoutes(),
    consultationRoutes(),
    supervisionRoutes(),
    caseNoteRoutes(),
    notificationRoutes(),
    ltiRoutes(),
  ];
}

/** Build the API from its dependencies. No I/O happens here; tests call `app.request()` directly. */
export function createApp(deps: Deps, opts: { scriptHashes?: string[] } = {}) {
  const app = new Hono<AppEnv>();
  const all = resources();
  const docs: RouteDoc[] = all.flatMap((r) => r.docs);

  app.onError(errorHandler(deps.log));
  app.use('*', async (c, next) => {
    const start = performance.now();
    c.set('deps', deps);
    c.set('requestId', crypto.randomUUID());
    await next();
    if (c.req.path.startsWith('/api/')) {
      deps.log.info('request', {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - start) * 10) / 10,
        user: c.get('user')?.id ?? null,
      });
    }
  });
  // Reads can be large (a 500-learner report is ~0.5 MB of JSON): gzip them for clients that accept it.
  // Writes answer a few bytes, and the ingestion path stays free of the stream and the Vary rewrite.
  app.use('/api/*', compressReads());
  app.use(
    '*',
    securityHeaders({ hsts: deps.config.publicUrl?.startsWith('https:') ?? false, scriptHashes: opts.scriptHashes }),
  );
  app.use(
    '/api/*',
    limitBody(deps.config.bodyLimit, (c) =>
      c.json(errorBody('payload_too_large', `the body is larger than ${deps.config.bodyLimit} bytes`), 413),
    ),
  );
  app.use('/api/*', csrfMiddleware);
  app.use('/api/*', sessionFence);
  app.use('/api/*', sessionMiddleware);
  app.use('/api/*', async (c, next) => {
    await next();
    // On the finished response's headers, as securityHeaders does: `c.header()` after `next()` would
    // rebuild the response around its body as a stream.
    c.res.headers.set('Cache-Control', 'no-store');
  });

  app.get('/api/openapi.json', (c) => c.json(openApiDocument(docs, API_VERSION)));
  app.get('/api/docs', (c) => c.html(apiDocsHtml(docs)));
  for (const r of all) app.route(r.prefix, r.app);
  app.all('/api/*', () => {
    throw new AppError(404, 'not_found', 'no such API route');
  });
  return Object.assign(app, { docs });
}

export type App = ReturnType<typeof createApp>;
