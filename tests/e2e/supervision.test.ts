/**
 * Group supervision and case notes in headless Chromium (issue #24): a supervisor schedules a session,
 * an officer signs up (and a cadet finds it full), the supervisor records attendance once it has
 * started and the officer's development hours show on "My learning"; a supervisor writes a case note
 * from a closed consultation (the identifying-data check stops a phone number first), a second
 * supervisor approves it and it appears in the case library; an admin sets a supervisor's scope. The
 * new pages are checked with axe-core.
 */
import path from 'node:path';
import SQLite from 'better-sqlite3';
import type { BrowserContext } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axe, fitsPhone, launchBrowser, signInDemo as signIn } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('group supervision and case notes in the browser', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const dbFile = path.join(server.dataDir, 'oberih.sqlite');

  it('schedule → sign up (full for the next) → attendance → hours on My learning', { timeout: 120_000 }, async () => {
    const sup = await signIn(browser, server.url, 'supervisor@oberih.demo');
    const sp = await sup.newPage();
    await sp.goto(`${server.url}/uk/supervision/`);
    const form = sp.locator('[data-schedule]');
    await form.waitFor();
    await expect.poll(() => sp.locator('#sup-oblast option').count()).toBeGreaterThan(20);
    expect(await axe(sp)).toEqual([]);
    // Three hours from now, in the browser's own time zone (what the date and time inputs mean).
    const [date, time] = await sp.evaluate(() => {
      const d = new Date(Date.now() + 3 * 3_600_000);
      const p = (n: number) => String(n).padStart(2, '0');
      return [`${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`, `${p(d.getHours())}:${p(d.getMinutes())}`];
    });
    await sp.getByLabel('Тема заняття').fill('Вторинна травматизація слідчих');
    await sp.getByLabel('Дата').fill(date!);
    await sp.getByLabel('Час початку').fill(time!);
    await sp.getByLabel('Тривалість, хв').fill('90');
    await sp.getByLabel('онлайн').check();
    await sp.getByLabel('Місце або посилання').fill('https://meet.example.ua/supervision-1');
    await sp.getByLabel('Кількість місць').fill('1');
    await sp.locator('#sup-oblast').selectOption('UA-46');
    await form.getByRole('button', { name: 'Запланувати' }).click();
    await expect.poll(() => sp.locator('[data-status]').innerText()).toBe('Заняття заплановано.');
    await expect.poll(() => sp.locator('[data-led]').innerText()).toContain('Вторинна травматизація слідчих');

    // The officer signs up, cancels, and signs up again; the page says so each time.
    const officer = await signIn(browser, server.url, 'officer@oberih.demo');
    const op = await officer.newPage();
    await op.goto(`${server.url}/uk/supervision/`);
    const card = op.locator('[data-session]', { hasText: 'Вторинна травматизація слідчих' });
    await card.waitFor();
    expect(await card.innerText()).toContain('Записано 0 з 1');
    expect(await card.locator('a').getAttribute('href')).toBe('https://meet.example.ua/supervision-1');
    expect(await axe(op)).toEqual([]);
    await card.getByRole('button', { name: 'Записатися: Вторинна травматизація слідчих' }).click();
    await expect.poll(() => op.locator('[data-status]').innerText()).toContain('Ви записалися');
    await expect.poll(() => card.innerText()).toContain('Записано 1 з 1');
    await card.getByRole('button', { name: /^Скасувати запис/ }).click();
    await expect.poll(() => card.innerText()).toContain('Записано 0 з 1');
    await card.getByRole('button', { name: /^Записатися/ }).click();
    await expect.poll(() => card.innerText()).toContain('Ви записані.');
    expect(await op.locator('[data-mine]').innerText()).toContain('Вторинна травматизація слідчих');

    // A cadet finds it full: no button, a sentence that says so.
    const cadet = await signIn(browser, server.url, 'cadet@oberih.demo');
    const cp = await cadet.newPage();
    await cp.goto(`${server.url}/uk/supervision/`);
    const full = cp.locator('[data-session]', { hasText: 'Вторинна травматизація слідчих' });
    await full.waitFor();
    expect(await full.locator('[data-full]').innerText()).toBe('Місць немає: заняття заповнене.');
    expect(await full.getByRole('button').count()).toBe(0);

    // Before it starts, attendance cannot be marked.
    await sp.reload();
    await sp.getByRole('button', { name: 'Учасники: Вторинна травматизація слідчих' }).click();
    await expect.poll(() => sp.locator('[data-attendance-box]').innerText()).toContain('Наталія Бондаренко');
    expect(await sp.locator('[data-attendance-box]').innerText()).toContain('після початку');
    // Time passes: the session started two hours ago.
    const db = new SQLite(dbFile);
    try {
      db.prepare('update supervision_sessions set starts_at = ? where title = ?').run(
        new Date(Date.now() - 2 * 3_600_000).toISOString(),
        'Вторинна травматизація слідчих',
      );
    } finally {
      db.close();
    }
    await sp.reload();
    await sp.getByRole('button', { name: 'Учасники: Вторинна травматизація слідчих' }).click();
    const present = sp.getByLabel('Наталія Бондаренко був(-ла) присутній(-я)');
    await present.waitFor();
    expect(await axe(sp)).toEqual([]);
    await fitsPhone(sp);
    await present.check();
    await sp.getByRole('button', { name: 'Зберегти відвідування' }).click();
    await expect.poll(() => sp.locator('[data-status]').innerText()).toBe('Відвідування збережено: 1.');
    // One officer attended: the supervisor's figures leave that oblast out (fewer than 5 people) and say so.
    await expect
      .poll(() => sp.locator('[data-figures]').innerText())
      .toBe('Областей, не показаних, бо там було менше ніж 5 учасників: 1.');

    // My learning shows the hours and links to the supervision page.
    await op.goto(`${server.url}/uk/my/`);
    const pd = op.locator('[data-pd]');
    await expect.poll(() => pd.isVisible(), { timeout: 20_000 }).toBe(true);
    expect(await pd.locator('[data-pd-text]').innerText()).toBe(
      'Групова супервізія: відвідано занять — 1, годин — 1,5.',
    );
    await pd.getByRole('link', { name: 'Групова супервізія' }).click();
    await op.waitForURL('**/uk/supervision/');
    await expect.poll(() => op.locator('[data-hours]').innerText()).toContain('годин — 1,5');
    expect(await op.locator('[data-mine]').innerText()).toContain('відвідано');
    await Promise.all([sup.close(), officer.close(), cadet.close()]);
  });

  it(
    'a case note: written with the check, approved by a second supervisor, found in the library',
    { timeout: 120_000 },
    async () => {
      const officer = await signIn(browser, server.url, 'officer@oberih.demo');
      const sup = await signIn(browser, server.url, 'supervisor@oberih.demo');
      const post = (ctx: BrowserContext, url: string, data: unknown) =>
        ctx.request.post(`${server.url}${url}`, { headers: { origin: server.url }, data });
      // A consultation asked, answered and closed (through the API: the browser test of that is consultation.test.ts).
      const created = await post(officer, '/api/consultations', {
        topic: 'digital-evidence',
        description: 'Як зберегти листування з телефону, який батьки передали до відділу?',
        urgency: 'routine',
        oblast: 'UA-46',
      });
      expect(created.status()).toBe(201);
      const id = ((await created.json()) as { id: number }).id;
      expect((await post(sup, `/api/consultations/${id}/claim`, {})).status()).toBe(200);
      expect(
        (
          await post(sup, `/api/consultations/${id}/messages`, { body: 'Режим польоту, фото екрана, пакет Фарадея.' })
        ).status(),
      ).toBe(201);
      expect((await post(officer, `/api/consultations/${id}/close`, { rating: 'helped' })).status()).toBe(200);

      const sp = await sup.newPage();
      await sp.goto(`${server.url}/uk/consultations/`);
      // The dashboard as labelled figures.
      await expect.poll(() => sp.locator('[data-figure=median] dt').innerText()).toContain('Медіана');
      const write = sp.getByRole('button', { name: `Написати нотатку: #${id}` });
      await write.click();
      const form = sp.locator('[data-note-form]');
      await expect.poll(() => form.isVisible()).toBe(true);
      const title = 'Телефон, переданий батьками: як зберегти листування';
      const body =
        'Батьки принесли до відділу телефон дитини з листуванням. Порада супервізора: увімкнути режим польоту, сфотографувати екран, упакувати телефон у пакет Фарадея і скласти протокол огляду.';
      await sp.getByLabel('Заголовок').fill(title);
      await sp.getByLabel('Знеособлений текст').fill(`${body} Телефон матері 067 123 45 67.`);
      let posted = false;
      sp.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith('/api/case-notes')) posted = true;
      });
      await form.getByRole('button', { name: 'Надіслати на перевірку' }).click();
      await expect.poll(() => form.locator('[data-findings]').isVisible()).toBe(true);
      expect(await form.locator('[data-findings] mark').innerText()).toBe('067 123 45 67');
      expect(await form.locator('input[type=checkbox]').count()).toBe(0); // no "not about the child" here
      expect(posted).toBe(false);
      expect(await axe(sp)).toEqual([]);
      await fitsPhone(sp);
      await sp.getByLabel('Знеособлений текст').fill(body);
      await form.getByRole('button', { name: 'Надіслати на перевірку' }).click();
      await expect.poll(() => sp.locator('[data-status]').innerText()).toContain('надіслано на перевірку');
      await expect.poll(() => sp.locator('[data-my-notes]').innerText()).toContain(`${title} · на перевірці`);
      expect(await sp.locator('[data-answered]').innerText()).toContain('нотатку написано');
      // The author cannot review their own note: it is not in their review list.
      expect(await sp.locator('[data-review]').innerText()).toContain('Немає нотаток');

      const second = await signIn(browser, server.url, 'psychologist@oberih.demo');
      const rp = await second.newPage();
      await rp.goto(`${server.url}/uk/consultations/`);
      const note = rp.locator('[data-review-note]', { hasText: title });
      await note.waitFor();
      expect(await axe(rp)).toEqual([]);
      await note.getByRole('button', { name: 'Схвалити й опублікувати' }).click();
      await expect
        .poll(() => rp.locator('[data-status]').innerText())
        .toBe('Нотатку опубліковано в бібліотеці випадків.');
      await expect.poll(() => rp.locator('[data-review-note]').count()).toBe(0);

      const lp = await officer.newPage();
      await lp.goto(`${server.url}/uk/cases/`);
      await expect.poll(() => lp.locator('[data-results]').innerText()).toContain(title);
      await Promise.all([officer.close(), sup.close(), second.close()]);
    },
  );

  it('a supervisor cancels a session from the page; the officer signed up is told', { timeout: 60_000 }, async () => {
    const sup = await signIn(browser, server.url, 'supervisor@oberih.demo');
    const officer = await signIn(browser, server.url, 'officer@oberih.demo');
    const title = 'Заняття, яке скасують';
    const made = await sup.request.post(`${server.url}/api/supervision/sessions`, {
      headers: { origin: server.url },
      data: {
        title,
        starts_at: new Date(Date.now() + 48 * 3_600_000).toISOString(),
        duration_minutes: 60,
        format: 'in_person',
        place: 'Київ, вул. Богомольця, 10',
        capacity: 5,
        oblast: 'UA-32',
      },
    });
    expect(made.status()).toBe(201);
    const id = ((await made.json()) as { id: number }).id;
    const signedUp = await officer.request.post(`${server.url}/api/supervision/sessions/${id}/signup`, {
      headers: { origin: server.url },
    });
    expect(signedUp.status()).toBe(201);
    const page = await sup.newPage();
    await page.goto(`${server.url}/uk/supervision/`);
    const button = page.getByRole('button', { name: `Скасувати заняття: ${title}` });
    await button.waitFor();
    page.once('dialog', (d) => void d.accept());
    await button.click();
    await expect.poll(() => page.locator('[data-status]').innerText()).toContain('скасовано');
    await expect
      .poll(() => page.locator('[data-led] li', { hasText: title }).innerText())
      .toContain('заняття скасовано');
    expect(await page.getByRole('button', { name: `Скасувати заняття: ${title}` }).count()).toBe(0);
    expect(await axe(page)).toEqual([]);
    const bell = (await (await officer.request.get(`${server.url}/api/notifications`)).json()) as {
      notifications: { kind: string; session_id: number | null }[];
    };
    expect(bell.notifications).toContainEqual(expect.objectContaining({ kind: 'session.cancelled', session_id: id }));
    await Promise.all([sup.close(), officer.close()]);
  });

  it("an admin sets a supervisor's scope", { timeout: 60_000 }, async () => {
    const admin = await signIn(browser, server.url, 'admin@oberih.demo');
    const page = await admin.newPage();
    await page.goto(`${server.url}/uk/admin/`);
    await page.getByRole('link', { name: 'Супервізори' }).click();
    await page.waitForURL('**/uk/admin/supervisors/');
    const form = page.locator('form[data-scope-form]', { hasText: 'supervisor@oberih.demo' });
    await form.waitFor();
    expect(await axe(page)).toEqual([]);
    await form.getByLabel('Психолог').check();
    await form.getByLabel('Уся Україна').uncheck();
    await form.getByLabel('Львівська область').check();
    await form.getByRole('button', { name: 'Зберегти сферу' }).click();
    await expect.poll(() => page.locator('[data-status]').innerText()).toContain('збережено');
    const res = await admin.request.get(`${server.url}/api/supervision/supervisors`);
    const list = (await res.json()) as {
      supervisors: { full_name: string; scope: { psychologist: boolean; oblasts: string[] } }[];
    };
    expect(list.supervisors.find((x) => x.full_name === 'Віктор Гаврилюк')?.scope).toMatchObject({
      psychologist: true,
      oblasts: ['UA-46'],
    });
    await admin.close();
  });
});
