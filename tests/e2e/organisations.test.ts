/**
 * Organisations and coordinators' scopes in headless Chromium (issue #23): an admin adds an
 * organisation, edits it, is told why one with a cohort cannot be deleted, and sets a coordinator's
 * scope to two oblasts (the coordinator's dashboard then answers for those two); an instructor places
 * a new cohort in the new organisation and moves it on the cohort's page. The pages are checked with
 * axe-core and at 360 px.
 */
import { describe, expect, it } from 'vitest';
import { axe, fitsPhone, launchBrowser, signInDemo as signIn } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

const LVIV = 'Львівський державний університет внутрішніх справ';
const NEW_UK = 'Ужгородський національний університет';

describe('organisations and coordinators’ scopes in the browser', async () => {
  const server = await startServer();
  const browser = await launchBrowser();

  it('add → edit → 409 on delete → coordinator scope → a cohort placed in it', { timeout: 120_000 }, async () => {
    const admin = await signIn(browser, server.url, 'admin@oberih.demo');
    const ap = await admin.newPage();
    ap.on('dialog', (d) => void d.accept());
    await ap.goto(`${server.url}/uk/admin/`);
    await ap.getByRole('link', { name: 'Організації' }).click();
    await ap.waitForURL('**/uk/admin/organisations/');
    // The seed's four organisations, grouped by oblast, with their cohorts counted.
    const lviv = ap.locator('[data-org]', { hasText: LVIV });
    await lviv.waitFor();
    expect(await ap.locator('[data-oblast="46"] h3').innerText()).toBe('Львівська область (1)');
    expect(await lviv.locator('[data-org-meta]').innerText()).toMatch(/^заклад вищої освіти · Груп: [1-9]/);
    await expect.poll(() => ap.locator('[data-scope-form]').count()).toBe(1);
    expect(await axe(ap)).toEqual([]);
    await fitsPhone(ap);

    // Add one: names short of 2 characters are stopped on the page.
    const add = ap.locator('[data-add]');
    await add.getByLabel('Тип').selectOption('university');
    await add.getByLabel('Назва українською').fill('У');
    await add.getByLabel('Назва англійською').fill('Uzhhorod National University');
    await add.getByLabel('Область').selectOption('21');
    await add.getByRole('button', { name: 'Додати організацію' }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toContain('щонайменше з 2 символів');
    await add.getByLabel('Назва українською').fill(NEW_UK);
    await add.getByRole('button', { name: 'Додати організацію' }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toBe(`Додано: ${NEW_UK}.`);
    const card = ap.locator('[data-oblast="21"] [data-org]', { hasText: NEW_UK });
    expect(await card.locator('[data-org-meta]').innerText()).toBe('заклад вищої освіти · Груп: 0');

    // Edit it: the English name and the kind.
    await card.getByText(`Змінити: ${NEW_UK}`).click();
    await card.getByLabel('Назва англійською').fill('Uzhhorod National University (Law Faculty)');
    await card.getByLabel('Тип').selectOption('school');
    await card.getByRole('button', { name: 'Зберегти зміни' }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toBe(`Збережено: ${NEW_UK}.`);
    const edited = ap.locator('[data-org]', { hasText: NEW_UK });
    expect(await edited.innerText()).toContain('Uzhhorod National University (Law Faculty)');
    expect(await edited.locator('[data-org-meta]').innerText()).toBe('школа · Груп: 0');

    // The filter narrows the list to one oblast.
    await ap.getByLabel('Показати область').selectOption('21');
    expect(await ap.locator('[data-org]').count()).toBe(1);
    await ap.getByLabel('Показати область').selectOption('');
    expect(await ap.locator('[data-org]').count()).toBe(5);

    // A cohort belongs to the Lviv university: the API's 409 reason is shown, nothing is deleted.
    await lviv.getByRole('button', { name: `Видалити: ${LVIV}` }).click();
    await expect
      .poll(() => ap.locator('[data-status]').innerText())
      .toMatch(/^Не видалено: \d+ cohort\(s\) belong to this organisation/);
    expect(await lviv.locator('[data-org-message]').innerText()).toMatch(/^Не видалено: \d+ cohort\(s\)/);
    expect(await ap.locator('[data-org]', { hasText: LVIV }).count()).toBe(1);

    // The coordinator's scope: two oblasts instead of all of Ukraine.
    const scope = ap.locator('[data-scope-form]', { hasText: 'Віктор Яковенко' });
    expect(await scope.locator('[data-scope-current]').innerText()).toBe('Зараз: Уся Україна');
    await scope.getByLabel('Уся Україна').uncheck();
    await scope.getByLabel('Вінницька область').check();
    await scope.getByLabel('Львівська область').check();
    await scope.getByRole('button', { name: 'Зберегти охоплення' }).click();
    await expect
      .poll(() => ap.locator('[data-coord-status]').innerText())
      .toBe('Охоплення (Віктор Яковенко) збережено: Вінницька область, Львівська область.');
    await ap.reload();
    await expect
      .poll(() => ap.locator('[data-scope-form] [data-scope-current]').innerText())
      .toBe('Зараз: Вінницька область, Львівська область');
    const scopeForm = ap.locator('[data-scope-form]');
    expect(await scopeForm.getByLabel('Львівська область').isChecked()).toBe(true);
    expect(await scopeForm.getByLabel('Закарпатська область').isChecked()).toBe(false);
    expect(await scopeForm.getByLabel('Уся Україна').isChecked()).toBe(false);

    const coord = await signIn(browser, server.url, 'coordinator@oberih.demo');
    const dash = await coord.request.get(`${server.url}/api/programme/dashboard`);
    expect(dash.status()).toBe(200);
    expect((await dash.json()).scope).toEqual({ national: false, oblasts: ['05', '46'] });
    // Outside the scope now: Kyiv.
    expect((await coord.request.get(`${server.url}/api/programme/dashboard?oblast=80`)).status()).toBe(403);

    // An instructor places a new cohort in the new organisation.
    const inst = await signIn(browser, server.url, 'instructor@oberih.demo');
    const ip = await inst.newPage();
    await ip.goto(`${server.url}/uk/instructor/`);
    const org = ip.getByLabel('Організація');
    await expect.poll(() => org.locator('optgroup').count()).toBe(4);
    expect(await org.locator('option').first().innerText()).toBe('Не вказано');
    expect(await org.locator('optgroup[label="Закарпатська область"] option').innerText()).toBe(NEW_UK);
    expect(await axe(ip)).toEqual([]);
    await ip.getByLabel('Назва групи').fill('Ужгород-2027');
    await ip.getByLabel('Заклад або підрозділ').fill('Юридичний факультет');
    await org.selectOption({ label: NEW_UK });
    await ip.getByRole('button', { name: 'Створити групу' }).click();
    await ip.waitForURL('**/uk/instructor/cohort/?id=*');
    const id = Number(new URL(ip.url()).searchParams.get('id'));
    const orgId = (await (await ap.request.get(`${server.url}/api/organisations`)).json()).organisations.find(
      (o: { name_uk: string }) => o.name_uk === NEW_UK,
    ).id as number;
    expect((await (await inst.request.get(`${server.url}/api/cohorts/${id}`)).json()).cohort.organisation_id).toBe(
      orgId,
    );

    // The cohort's page shows it, and moves it back to "not set".
    // The management section opens by its button, or by itself when it is near the viewport.
    const manage = ip.locator('[data-manage]');
    await manage.waitFor();
    await manage.scrollIntoViewIfNeeded();
    const show = manage.getByRole('button', { name: 'Показати керування групою' });
    if (await show.isVisible()) await show.click();
    const placed = ip.locator('[data-cohort-organisation] select');
    await expect.poll(() => placed.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.text)).toBe(NEW_UK);
    const saved = ip.locator('[data-manage] [role=status]');
    await placed.selectOption({ label: 'Не вказано' });
    await ip.getByRole('button', { name: 'Зберегти організацію' }).click();
    await expect.poll(() => saved.innerText()).toBe('Збережено.');
    const placedIn = async () =>
      (await (await inst.request.get(`${server.url}/api/cohorts/${id}`)).json()).cohort.organisation_id;
    expect(await placedIn()).toBe(null);
    await placed.selectOption({ label: NEW_UK });
    await ip.getByRole('button', { name: 'Зберегти організацію' }).click();
    await expect.poll(placedIn).toBe(orgId);
    await expect.poll(() => saved.innerText()).toBe('Збережено.');

    // Now the new organisation has a cohort: the admin cannot delete it either.
    await ap.reload();
    const withCohort = ap.locator('[data-org]', { hasText: NEW_UK });
    await withCohort.waitFor();
    expect(await withCohort.locator('[data-org-meta]').innerText()).toBe('школа · Груп: 1');
    await withCohort.getByRole('button', { name: `Видалити: ${NEW_UK}` }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toMatch(/^Не видалено: 1 cohort\(s\)/);

    // In English too, and an organisation without cohorts is deleted.
    await ap.goto(`${server.url}/en/admin/organisations/`);
    const en = ap.locator('[data-add]');
    await en.getByLabel('Kind').selectOption('ngo');
    await en.getByLabel('Name in Ukrainian').fill('ГО «Безпечний інтернет»');
    await en.getByLabel('Name in English').fill('Safe Internet NGO');
    await en.getByLabel('Oblast').selectOption('80');
    await en.getByRole('button', { name: 'Add an organisation' }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toBe('Added: Safe Internet NGO.');
    await ap.reload();
    const ngo = ap.locator('[data-org]', { hasText: 'Safe Internet NGO' });
    await ngo.waitFor();
    expect(await ngo.locator('[data-org-meta]').innerText()).toBe('NGO · Cohorts: 0');
    expect(await axe(ap)).toEqual([]);
    await ngo.getByRole('button', { name: 'Delete: Safe Internet NGO' }).click();
    await expect.poll(() => ap.locator('[data-status]').innerText()).toBe('Deleted: Safe Internet NGO.');
    expect(await ap.locator('[data-org]', { hasText: 'Safe Internet NGO' }).count()).toBe(0);
    // At 360 px with an edit form open (its selects hold long names).
    await ap.locator('[data-org]', { hasText: LVIV }).locator('summary').click();
    await fitsPhone(ap);

    await Promise.all([admin.close(), coord.close(), inst.close()]);
  });
});
