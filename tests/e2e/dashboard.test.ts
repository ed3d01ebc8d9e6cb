/** The instructor dashboard in Chromium against the real server and the seeded demo cohort. */
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { axe, fitsPhone, launchBrowser, signInDemo } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('instructor dashboard', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${m.text()} (${m.location().url})`);
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const instructor = DEMO_ACCOUNTS.find((a) => a.email === 'instructor@oberih.demo')!;

  it("signs in and lists the instructor's own cohort only", async () => {
    await page.goto(`${server.url}/uk/login/?next=/uk/instructor/`);
    await page.getByLabel('Електронна пошта').fill(instructor.email);
    await page.getByLabel('Пароль').fill(instructor.password);
    await page.getByRole('button', { name: 'Увійти' }).click();
    await page.waitForURL('**/uk/instructor/');
    const cards = page.locator('[data-cohorts] li');
    await expect.poll(() => cards.count()).toBe(1);
    expect(await cards.first().innerText()).toContain('Курсанти 2026, група 3');
  });

  it("shows the cohort's name and key figures from the page's HTML and its one inline script, before any island runs", async () => {
    const cohortId = await page.evaluate(async () => {
      const res = await fetch('/api/cohorts', { credentials: 'same-origin' });
      return ((await res.json()) as { cohorts: { id: number }[] }).cohorts[0]!.id;
    });
    // Same session, but every built script is refused: only the page's inline script can run.
    const context = await browser.newContext();
    await context.addCookies(await page.context().cookies());
    const bare = await context.newPage();
    await bare.route('**/_astro/**', (r) => r.abort());
    await bare.goto(`${server.url}/uk/instructor/cohort/?id=${cohortId}`);
    const shell = bare.locator('[data-cohort-shell]');
    // The report is computed on the worker thread (started and, from the sources, compiled on first use).
    await shell.locator('h1', { hasText: 'Курсанти 2026, група 3' }).waitFor({ timeout: 60_000 });
    expect(await shell.locator('[data-figure="members"]').innerText()).toMatch(/У групі\s+30/);
    // The median needs Intl: it follows once the worker that prepares Intl is done (here: refused).
    await expect.poll(() => shell.locator('[data-figure="median"] dd').innerText()).toMatch(/\d/);
    await context.close();
  });

  it('opens the seeded cohort and sees the charts drawn, each with its summary and table', async () => {
    await page.locator('[data-cohorts] a').first().click();
    await page.waitForURL('**/uk/instructor/cohort/?id=*');
    await page.locator('[data-cohort-name]').waitFor();
    const canvases = page.locator('canvas[data-chart]');
    await expect.poll(() => canvases.count()).toBe(4);
    // The key figures come first, from the small summary request.
    expect(await page.locator('[data-figures]').innerText()).toMatch(/У групі\s+30/);
    // Charts are drawn when they come near the viewport: scroll to each.
    for (const c of await canvases.all()) await c.scrollIntoViewIfNeeded();
    // Chart.js has drawn something: the canvas has a size and non-transparent pixels.
    await expect
      .poll(() =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLCanvasElement>('canvas[data-chart]')].every((c) => {
            const ctx = c.getContext('2d');
            if (!ctx || c.width === 0 || c.height === 0) return false;
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            for (let i = 3; i < px.length; i += 4) if (px[i] !== 0) return true;
            return false;
          }),
        ),
      )
      .toBe(true);
    for (const name of await canvases.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))))
      expect(name).toMatch(/^Діаграма: .+ наведено в таблиці нижче\. .+/);
    // Every chart's data table opens and has rows.
    const figures = page.locator('figure.chart');
    expect(await figures.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const fig = figures.nth(i);
      await fig.getByText('Дані таблицею').click();
      // The data table is built when it is opened.
      const table = fig.locator('table');
      await table.waitFor({ state: 'visible' });
      expect(await table.locator('tbody tr').count()).toBeGreaterThan(0);
    }
    const funnel = page.locator('[data-chart-table^="funnel-"] tbody tr').first();
    expect(await funnel.innerText()).toMatch(/У групі\s+30/);
    expect(await figures.first().locator('.summary').innerText()).toMatch(/^Розпочали \d+ з 30/);
  });

  it("shows the at-risk list, the learners, a learner's attempts and the item analysis flags", async () => {
    const risk = page.locator('[data-at-risk]');
    expect(await risk.innerText()).toContain('двічі не склав(ла) тест');
    // The learner list loads when its section comes near the viewport.
    await page.locator('#learners-h').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('[data-learners] tbody tr').count()).toBe(30);
    expect(await page.locator('[data-learner-count]').innerText()).toBe('Показано 1–30 з 30.');
    const failing = page.locator('[data-at-risk] tbody tr', { hasText: 'двічі' }).first();
    const name = (await failing.locator('th').innerText()).trim();
    await page.locator('[data-learners] tbody tr', { hasText: name }).getByRole('button').click();
    const detail = page.locator('[data-learner-detail]');
    await detail.getByRole('heading', { name: `Слухач: ${name}` }).waitFor();
    expect(await detail.locator('details').count()).toBe(2);
    await detail.locator('details summary').first().click();
    expect(await detail.locator('details table tbody tr').first().isVisible()).toBe(true);
    await page.locator('#items-h').scrollIntoViewIfNeeded();
    await expect.poll(() => page.locator('[data-items]').innerText()).toContain('від’ємна дискримінація');
  });

  it('renders in English', async () => {
    const url = new URL(page.url());
    await page.goto(`${server.url}/en/instructor/cohort/${url.search}`);
    await page.locator('[data-cohort-name]').waitFor();
    await expect.poll(() => page.locator('canvas[data-chart]').count()).toBe(4);
    expect(await page.locator('figure.chart h3').allInnerTexts()).toEqual([
      'Completion funnel',
      'Progress over time',
      'Distribution of best scores',
      'Completion by module',
    ]);
    expect(await page.locator('[data-figures]').innerText()).toMatch(/In the cohort\s+30/);
    expect(await page.locator('figure.chart .summary').first().innerText()).toMatch(/^\d+ of 30 started/);
    expect(errors).toEqual([]);
  });

  it('has no axe violations with its charts drawn, a data table open and the learners listed, and fits a phone', async () => {
    const id = new URL(page.url()).searchParams.get('id');
    const ctx = await signInDemo(browser, server.url, instructor.email);
    const p = await ctx.newPage();
    await p.goto(`${server.url}/uk/instructor/cohort/?id=${id}`);
    await p.locator('[data-cohort-name]').waitFor();
    await p.locator('canvas[data-chart]').first().waitFor();
    await p.locator('figure.chart summary').first().click();
    await p.locator('[data-chart-table]').first().waitFor();
    await p.locator('#learners-h').scrollIntoViewIfNeeded();
    await expect.poll(() => p.locator('[data-learners] tbody tr').count()).toBe(30);
    expect(await axe(p)).toEqual([]);
    await fitsPhone(p);
    await ctx.close();
  });

  it('an admin sees every cohort and can search users', async () => {
    const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    await p.goto(`${server.url}/en/login/?next=/en/admin/cohorts/`);
    await p.getByLabel('Email').fill(admin.email);
    await p.getByLabel('Password').fill(admin.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL('**/en/admin/cohorts/');
    await expect.poll(() => p.locator('[data-admin-cohorts] tbody tr').count()).toBe(4);
    await p.goto(`${server.url}/en/admin/users/`);
    await p.getByLabel('Search by name or email').fill('cadet0');
    await p.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => p.locator('table tbody tr').count()).toBe(18);
    await p.locator('table tbody tr').first().getByRole('button', { name: 'Password reset link' }).click();
    await expect.poll(() => p.locator('[data-reset-link]').innerText()).toMatch(/\/(uk|en)\/reset\/#token=[a-z2-7]+/);
    await ctx.close();
  });

  it('pages through every learner of a larger cohort, 50 at a time, and searches, filters and sorts them all', async () => {
    // 45 more learners through the cohort's CSV import: 75 in all, two pages.
    const cohortId = new URL(page.url()).searchParams.get('id');
    const csv =
      'full_name,email\n' +
      Array.from(
        { length: 45 },
        (_, i) => `Пагінація Слухач ${String(i + 1).padStart(2, '0')},paging${i + 1}@test.ua`,
      ).join('\n') +
      '\n';
    const imported = await page.request.post(`${server.url}/api/cohorts/${cohortId}/import`, {
      headers: { origin: server.url },
      data: { csv, confirm: true, locale: 'uk' },
    });
    expect(imported.status()).toBe(200);
    await page.goto(`${server.url}/uk/instructor/cohort/?id=${cohortId}`);
    await expect.poll(() => page.locator('[data-figures]').innerText()).toMatch(/У групі\s+75/);
    // The sections below the figures and charts render a moment after them.
    await page.locator('[data-learner-section]').waitFor();
    // Keyboard and screen-reader users reach the list through its button before it is in view.
    const show = page.getByRole('button', { name: 'Показати список слухачів' });
    if (await show.count()) {
      await show.focus();
      await page.keyboard.press('Enter');
    }
    const rows = page.locator('[data-learners] tbody tr');
    const count = page.locator('[data-learner-count]');
    // The full report is fetched when the list is shown: allow for a busy machine.
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(50);
    expect(await count.innerText()).toBe('Показано 1–50 з 75.');
    expect(await count.getAttribute('role')).toBe('status');
    const names = async () => (await rows.locator('th').allInnerTexts()).map((t) => t.split('\n')[0]!.trim());
    const seen = new Set(await names());
    // Next page with the keyboard; at the end "Next" stays focusable but does nothing.
    const next = page.getByRole('navigation', { name: 'Слухачі: сторінки' }).getByRole('button', { name: /Наступна/ });
    await next.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => count.innerText()).toBe('Показано 51–75 з 75.');
    expect(await page.getByRole('navigation', { name: 'Слухачі: сторінки' }).innerText()).toContain('Сторінка 2 з 2');
    for (const n of await names()) seen.add(n);
    expect(seen.size).toBe(75);
    expect(await next.getAttribute('aria-disabled')).toBe('true');
    await page.keyboard.press('Enter');
    expect(await count.innerText()).toBe('Показано 51–75 з 75.');
    expect(await page.evaluate(() => document.activeElement?.hasAttribute('data-pager-next'))).toBe(true);
    // The search covers every learner, not just the page on screen.
    await page.getByLabel('Пошук слухача').fill('paging7@');
    await expect.poll(() => count.innerText()).toBe('Показано 1–1 з 1.');
    expect(await rows.first().innerText()).toContain('Пагінація Слухач 07');
    await page.getByLabel('Пошук слухача').fill('');
    // Status filter: the imported learners have not started.
    await page.getByLabel('Стан', { exact: true }).selectOption('not_started');
    await expect.poll(async () => Number(/з (\d+)\./.exec(await count.innerText())?.[1])).toBeGreaterThanOrEqual(45);
    await page.getByLabel('Стан', { exact: true }).selectOption('');
    // All rows on one page.
    await page.locator('#learners-size').selectOption('0');
    await expect.poll(() => rows.count()).toBe(75);
    // Sort by best score with the keyboard: highest first, then lowest first.
    const header = page.locator('[data-learners] thead th', { hasText: 'Найкращий результат' });
    await header.getByRole('button').focus();
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('descending');
    const best = async () =>
      (await rows.locator('td:nth-child(5)').allInnerTexts()).map((t) => (t.trim() === '—' ? -1 : parseFloat(t)));
    const desc = await best();
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    expect(desc[0]).toBeGreaterThan(0);
    await page.keyboard.press('Enter');
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    const asc = await best();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    expect(errors).toEqual([]);
  });
});
