/** The Node server: the API and the built site on one port. */
import fs from 'node:fs';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { compress } from 'hono/compress';
import { createApp } from './app.ts';
import type { Deps } from './deps.ts';
import { siteFiles } from './static/site-files.ts';

export function createServerApp(deps: Deps, siteDir: string, opts: { staticCacheBytes?: number } = {}) {
  const hashesFile = path.join(siteDir, 'csp-hashes.json');
  const scriptHashes = fs.existsSync(hashesFile) ? (JSON.parse(fs.readFileSync(hashesFile, 'utf8')) as string[]) : [];
  const app = createApp(deps, { scriptHashes });
  const root = path.relative(process.cwd(), path.resolve(siteDir)) || '.';
  app.use('*', compress());
  // Hashed build assets never change; pages are revalidated so a new build shows at once.
  app.use('*', async (c, next) => {
    await next();
    if (c.res.status !== 200 || c.res.headers.has('cache-control')) return;
    c.header('Cache-Control', c.req.path.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  });
  app.get('/', (c) => c.redirect('/uk/', 302));
  // Pages and assets from memory, precompressed at build; what does not fit is read from disk below.
  app.use('*', siteFiles(siteDir, { maxBytes: opts.staticCacheBytes ?? 64 * 1024 * 1024 }));
  app.use('*', serveStatic({ root }));
  // "/uk/courses" → "/uk/courses/" when that folder has a page.
  app.get('*', (c, next) => {
    const p = c.req.path;
    if (!p.endsWith('/') && !path.extname(p) && fs.existsSync(path.join(siteDir, p, 'index.html')))
      return c.redirect(p + '/', 301);
    return next();
  });
  app.notFound((c) => {
    const locale = c.req.path.startsWith('/en/') ? 'en' : 'uk';
    const file = path.join(siteDir, locale, '404', 'index.html');
    const fallback = path.join(siteDir, '404.html');
    const html = fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8')
      : fs.existsSync(fallback)
        ? fs.readFileSync(fallback, 'utf8')
        : 'Not found';
    return c.html(html, 404);
  });
  return app;
}

export function listen(
  app: { fetch: (req: Request, env?: unknown) => Response | Promise<Response> },
  port: number,
  host: string,
): Promise<ServerType & { port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) =>
      resolve(Object.assign(server, { port: info.port })),
    );
  });
}
