/**
 * An LTI 1.3 launch in headless Chromium (issue #22): the made-up platform (another site: 127.0.0.1
 * against the tool's localhost) posts the login initiation, the tool redirects to the platform's
 * authorization endpoint, the platform form-posts the id_token back, and the learner lands signed in
 * on the course page.
 */
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { bootstrap } from '../../api/bootstrap.ts';
import { silentLogger } from '../../api/log.ts';
import { createServerApp, listen } from '../../api/server.ts';
import { ltiRepo } from '../../db/repos/lti.ts';
import { hashPassword } from '../../api/auth/password.ts';
import { TEST_PASSWORD } from '../helpers/app.ts';
import { fixtures, tempDir } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startPlatform } from '../helpers/lti-platform.ts';

describe('LTI launch in the browser', async () => {
  const deps = await bootstrap({
    dbFile: path.join(tempDir(), 'lti.sqlite'),
    contentDir: 'tests/fixtures/content',
    catalog: fixtures(),
    log: silentLogger,
    groupCommitMs: 0,
    // The made-up platform listens on http://127.0.0.1 (never allowed in production: docs/lti.md).
    config: { ltiAllowPrivateUrls: true },
  });
  const server = await listen(createServerApp(deps, '.tmp/fixture-site'), 0, '127.0.0.1');
  const tool = `http://localhost:${server.port}`;
  const platform = await startPlatform({
    toolJwks: async () => (await (await fetch(`${tool}/api/lti/jwks`)).json()) as { keys: JWK[] },
  });
  await ltiRepo(deps.db).createRegistration({ ...platform.registration(), source: 'manual' }, new Date().toISOString());
  const browser = await launchBrowser();
  afterAll(async () => {
    await browser.close();
    server.close();
    await deps.close();
  });

  it('the form_post of the id_token lands the learner signed in on the course page', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${platform.base}/start?login=${encodeURIComponent(`${tool}/api/lti/login`)}`);
    await page.waitForURL(`${tool}/uk/courses/fixture-course/`);
    const me = await page.evaluate(async () => {
      const r = await fetch('/api/me');
      return { status: r.status, body: (await r.json()) as { user?: { full_name: string; role: string } } };
    });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ full_name: 'Ірина Коваль', role: 'cadet' });
    // The platform saw the authorization request with the tool's state and nonce.
    const auth = platform.recorded(/^\/auth$/)[0]!.body as Record<string, string>;
    expect(auth).toMatchObject({ client_id: 'oberih-client-1', response_mode: 'form_post', prompt: 'none' });
    expect(auth.redirect_uri).toBe(`${tool}/api/lti/launch`);
    await ctx.close();
  }, 120_000);

  it('the admin page lists the registration and has no axe violations', async () => {
    await deps.db
      .insertInto('users')
      .values({
        email: 'lti-admin@test.ua',
        full_name: 'Адмін',
        role: 'admin',
        password_hash: await hashPassword(TEST_PASSWORD),
        locale: 'uk',
        created_at: new Date().toISOString(),
        erased_at: null,
      })
      .execute();
    // axe is injected as a script tag: let it past our CSP in this context only.
    const ctx = await browser.newContext({ bypassCSP: true });
    const page = await ctx.newPage();
    await page.goto(`${tool}/uk/login/`);
    const login = await page.evaluate(
      async (password) =>
        (
          await fetch('/api/auth/login', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: 'lti-admin@test.ua', password }),
          })
        ).status,
      TEST_PASSWORD,
    );
    expect(login).toBe(200);
    await page.goto(`${tool}/uk/admin/lti/`);
    await page.getByRole('cell', { name: 'oberih-client-1' }).waitFor();
    await page.getByRole('button', { name: 'Створити посилання реєстрації' }).click();
    await expect.poll(() => page.locator('[data-link-out] input').inputValue()).toMatch(/\/api\/lti\/register\?t=/);
    await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const r = await (
        window as unknown as { axe: { run: (d: Document, o: unknown) => Promise<{ violations: { id: string }[] }> } }
      ).axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
      return r.violations.map((v) => v.id);
    });
    expect(violations).toEqual([]);
    await ctx.close();
  }, 120_000);
});
