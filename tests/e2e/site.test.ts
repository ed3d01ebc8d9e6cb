/**
 * The course site as a learner uses it, in headless Chromium against the real server: enrol with a
 * code, read a module in Ukrainian, switch to English on the same module, mark it complete, see the
 * progress bar move on "My learning", and resume.
 */
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_ENROLMENT_CODE } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';
import { fixtures } from '../helpers/app.ts';
import { storeStudy, studyEvents } from '../helpers/study.ts';

describe('reading and tracking a course', async () => {
  const server = await startServer();
  /** Post the study-time heartbeats and a practice pass of one module, as the page would over its minimum time. */
  // The learner studied the module (written into the server's database: see storeStudy).
  const study = (_p: Page, module: string) =>
    storeStudy(
      path.join(server.dataDir, 'oberih.sqlite'),
      'hanna.e2e@test.ua',
      studyEvents(fixtures().courses.get('fixture-course')!, {
        modules: [module],
        end: new Date(Date.now() - 5000),
      }).filter((e) => e.kind !== 'completed'),
    );
  const browser = await launchBrowser();
  /** Whether the server counts the fixture course's third module ("check") as completed for a context's learner. */
  const checkModuleDone = (ctx: BrowserContext) => () =>
    ctx.request
      .get(`${server.url}/api/me/progress/fixture-course`)
      .then((r) => r.json())
      .then((p: { modules: { completed: boolean }[] }) => p.modules[2]!.completed);
  const context = await browser.newContext();
  const page = await context.newPage();
  const cspErrors: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) cspErrors.push(m.text());
  });

  it('anonymous visitors can read a module; a text-only module page runs no script but the header one', async () => {
    await page.goto(`${server.url}/uk/courses/fixture-course/words/`);
    await expect.poll(() => page.locator('h1').innerText()).toBe('Правильні слова');
    expect(await page.getAttribute('html', 'lang')).toBe('uk');
    // The header script (who is signed in, site/scripts/site-header.ts) is the only one.
    expect(
      await page.evaluate(() =>
        [...document.scripts].filter((s) => s.type !== 'application/json').map((s) => new URL(s.src).pathname),
      ),
    ).toEqual([expect.stringMatching(/^\/_astro\/site-header\.[\w-]+\.js$/)]);
    // The glossary term opens its definition without JavaScript (popover).
    await page.getByRole('button', { name: 'CSAM' }).click();
    await expect
      .poll(() => page.locator('[popover]:popover-open').innerText())
      .toMatch(/матеріали сексуального насильства/);
  });

  it('enrols with a code (closed registration) and signs in', async () => {
    await page.goto(`${server.url}/uk/redeem/`);
    await page.getByLabel('Код зарахування').fill(DEMO_ENROLMENT_CODE.toLowerCase());
    await page.getByLabel('Повне ім’я').fill('Ганна Тестова');
    await page.getByLabel('Електронна пошта').fill('hanna.e2e@test.ua');
    await page.getByLabel('Пароль').fill('a long enough passphrase');
    await page.getByRole('button', { name: 'Створити обліковий запис' }).click();
    await page.waitForURL('**/uk/my/');
    await expect.poll(() => page.locator('main').innerText()).toContain('Ганна Тестова');
  });

  it('switching language keeps the module', async () => {
    await page.goto(`${server.url}/uk/courses/fixture-course/words/`);
    await page.getByRole('link', { name: /English.*Read this page in English/ }).click();
    await page.waitForURL('**/en/courses/fixture-course/words/');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('h1').innerText()).toBe('The right words');
  });

  it('marks a text-only module complete with the plain form, then My learning shows 33% and resumes at the next module', async () => {
    await page.getByRole('button', { name: 'Mark this module complete' }).click();
    await page.waitForURL('**/en/courses/fixture-course/words/#completed');
    await expect.poll(() => page.locator('#completed').isVisible()).toBe(true);
    await page.goto(`${server.url}/en/my/`);
    const bar = page.locator('[data-course="fixture-course"] [role="progressbar"]');
    await expect.poll(() => bar.getAttribute('aria-valuenow')).toBe('33');
    await page.locator('[data-course="fixture-course"] [data-resume]').click();
    await page.waitForURL('**/en/courses/fixture-course/response/');
    expect(await page.locator('h1').innerText()).toBe('First response');
  });

  it('on a page with islands the progress script queues the completion on the device and syncs it', async () => {
    // A mark counts only after enough study time and a practice pass (issue #18, item 5): the learner studied.
    study(page, 'response');
    await page.getByRole('button', { name: 'Mark this module complete' }).click();
    expect(page.url()).not.toContain('#completed');
    // The status said "Synced" already (the page view); wait until the completion itself reached the server.
    await expect
      .poll(() =>
        page.evaluate(() =>
          fetch('/api/me/progress/fixture-course')
            .then((r) => r.json())
            .then((p) => p.modules[1].completed),
        ),
      )
      .toBe(true);
    await expect.poll(() => page.locator('[data-sync-status]').innerText()).toBe('Synced');
    await page.goto(`${server.url}/en/my/`);
    await expect
      .poll(() => page.locator('[data-course="fixture-course"] [role="progressbar"]').getAttribute('aria-valuenow'))
      .toBe('67');
    const res = await page.evaluate(() => fetch('/api/me/progress/fixture-course').then((r) => r.json()));
    expect(res.modules.map((m: { completed: boolean }) => m.completed)).toEqual([true, true, false]);
  });

  it('a completion is not lost when the learner leaves the page right after pressing the button', async () => {
    const quick = await context.newPage();
    await quick.goto(`${server.url}/en/courses/fixture-course/check/`);
    // The tracker is running (it shows the sync status once it has queued the page view).
    await quick.locator('[data-sync-status]:not([hidden])').waitFor();
    study(quick, 'check');
    await quick.getByRole('button', { name: 'Mark this module complete' }).click();
    // Gone at once: the IndexedDB write and the sync request may not have finished.
    await quick.goto('about:blank');
    await quick.close();
    // Nothing on the site runs any more; the server must already have it (or get it from the page's beacon).
    await expect.poll(checkModuleDone(context), { timeout: 5000 }).toBe(true);
  });

  /**
   * A phone with slow storage (IndexedDB never answers) and, with `stalled`, a connection on which the
   * page's own requests never come back: a learner who studied the "check" module, on its page, with the
   * page's handlers in place.
   */
  async function slowPhone(email: string, stalled: boolean) {
    const phone = await browser.newContext();
    const res = await phone.request.post(`${server.url}/api/auth/redeem`, {
      data: { code: DEMO_ENROLMENT_CODE, full_name: 'Петро Тестовий', email, password: 'a long enough passphrase' },
    });
    expect(res.status()).toBe(201);
    const { user } = (await res.json()) as { user: { id: number } };
    // Signed in as the sign-in page would leave it.
    await phone.addInitScript(
      ([id, stall]) => {
        localStorage.setItem('oberih.signedIn', String(id));
        Object.defineProperty(indexedDB, 'open', { value: () => ({}) });
        if (stall) {
          const real = window.fetch.bind(window);
          window.fetch = (input, init) =>
            String(input).includes('/api/progress/events') ? new Promise<Response>(() => {}) : real(input, init);
        }
      },
      [user.id, stalled] as const,
    );
    storeStudy(
      path.join(server.dataDir, 'oberih.sqlite'),
      email,
      studyEvents(fixtures().courses.get('fixture-course')!, {
        modules: ['check'],
        end: new Date(Date.now() - 5000),
      }).filter((e) => e.kind !== 'completed'),
    );
    const tab = await phone.newPage();
    // The page's script has asked for the learner's progress: its handlers are in place.
    const ready = tab.waitForResponse((r) => r.url().includes('/api/me/progress/fixture-course'));
    await tab.goto(`${server.url}/en/courses/fixture-course/check/`);
    await ready;
    const hide = () =>
      tab.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
    return { phone, tab, hide };
  }

  // The learner switches to another app before the IndexedDB write commits; the system may end the page
  // later without a `pagehide`. The mark went out at once beside the device queue; on a connection where
  // that request stalls, hiding the page sends it as a beacon.
  for (const [stalled, title] of [
    [false, 'a mark reaches the server even when the device storage hangs and the page is then hidden for good'],
    [true, 'on a connection that stalls, hiding the page sends the mark as a beacon'],
  ] as const)
    it(title, async () => {
      const { phone, tab, hide } = await slowPhone(`${stalled ? 'stalled' : 'slow'}.learner@test.ua`, stalled);
      await tab.getByRole('button', { name: 'Mark this module complete' }).click();
      if (stalled) expect(await checkModuleDone(phone)()).toBe(false);
      await hide();
      await expect.poll(checkModuleDone(phone), { timeout: 5000 }).toBe(true);
      await phone.close();
    });

  it('on a shared device, a page left open never sends its learner’s events under the next person’s session', async () => {
    const { phone, tab, hide } = await slowPhone('first.learner@test.ua', true);
    await tab.getByRole('button', { name: 'Mark this module complete' }).click();
    // The first learner signs out and the next person signs in on the same browser, from another tab
    // (the cookie is theirs now).
    const origin = { origin: server.url };
    expect((await phone.request.post(`${server.url}/api/auth/logout`, { headers: origin })).status()).toBe(200);
    const next = await phone.request.post(`${server.url}/api/auth/redeem`, {
      headers: origin,
      data: {
        code: DEMO_ENROLMENT_CODE,
        full_name: 'Олена Наступна',
        email: 'next.learner@test.ua',
        password: 'a long enough passphrase',
      },
    });
    expect(next.status()).toBe(201);
    const { user } = (await next.json()) as { user: { id: number } };
    await tab.evaluate((id) => localStorage.setItem('oberih.signedIn', String(id)), user.id);
    await hide();
    // The first learner's page, hidden, must not credit the second with the first one's mark.
    await new Promise((r) => setTimeout(r, 1500));
    const progress = (await (await phone.request.get(`${server.url}/api/me/progress/fixture-course`)).json()) as {
      modules: { completedAt: string | null }[];
    };
    expect(progress.modules.map((m) => m.completedAt)).toEqual([null, null, null]);
    await phone.close();
  });

  it('the catalogue filters by audience without JavaScript, and unknown pages get the 404 page', async () => {
    await page.goto(`${server.url}/uk/courses/prevention/`);
    expect(await page.locator('[data-audience]').count()).toBe(0);
    await page.goto(`${server.url}/uk/courses/initial/`);
    expect(await page.locator('[data-audience="initial"]').count()).toBe(1);
    const res = await page.goto(`${server.url}/uk/courses/no-such-course/`);
    expect(res!.status()).toBe(404);
    expect(await page.locator('h1').innerText()).toBe('Сторінку не знайдено');
  });

  it('search (Pagefind) finds module text and keeps results in the current locale', async () => {
    await page.goto(`${server.url}/uk/search/`);
    await page.locator('.pagefind-ui__search-input').fill('таємниці');
    await expect.poll(() => page.locator('.pagefind-ui__result-link').count()).toBeGreaterThan(0);
    const links = await page
      .locator('.pagefind-ui__result-link')
      .evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(links.every((h) => h!.startsWith('/uk/'))).toBe(true);
    await page.goto(`${server.url}/en/search/`);
    await page.locator('.pagefind-ui__search-input').fill('secrecy');
    await expect.poll(() => page.locator('.pagefind-ui__result-link').count()).toBeGreaterThan(0);
    const en = await page
      .locator('.pagefind-ui__result-link')
      .evaluateAll((els) => els.map((e) => e.getAttribute('href')));
    expect(en.every((h) => h!.startsWith('/en/'))).toBe(true);
  });

  it('the sign-in page tells a signed-in learner who they are, and signs them out from there', async () => {
    await page.goto(`${server.url}/uk/login/`);
    await page.locator('[data-signed-in]:not([hidden])').waitFor();
    expect(await page.locator('[data-who]').innerText()).toBe('Ви ввійшли як Ганна Тестова.');
    expect(await page.locator('[data-login-form]').isVisible()).toBe(false);
    expect(await page.locator('[data-instructor]').isVisible()).toBe(false);
    await page.locator('main').getByRole('button', { name: 'Вийти' }).click();
    await page.waitForURL(`${server.url}/uk/`);
    expect((await context.request.get(`${server.url}/api/me`)).status()).toBe(401);
    await page.goto(`${server.url}/uk/login/`);
    expect(await page.locator('[data-login-form]').isVisible()).toBe(true);
    expect(await page.locator('[data-signed-in]').isVisible()).toBe(false);
  });

  it('raised no CSP violations', () => {
    expect(cspErrors).toEqual([]);
  });
});
