/** An instructor's CSV import invites an existing learner; the learner joins from "My learning" (issue #19 item 2). */
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('cohort invitations', async () => {
  const server = await startServer();
  const browser = await launchBrowser();
  const account = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)!;
  const instructor = account('instructor@oberih.demo');
  const cadet = account('cadet@oberih.demo');

  async function signedIn(who: { email: string; password: string }) {
    const ctx = await browser.newContext();
    const res = await ctx.request.post(`${server.url}/api/auth/login`, {
      headers: { origin: server.url },
      data: { email: who.email, password: who.password },
    });
    expect(res.status()).toBe(200);
    return ctx;
  }

  it('the learner sees the invitation on "My learning", joins, and is then a member', async () => {
    const staff = await signedIn(instructor);
    const post = (p: string, data: unknown) =>
      staff.request.post(`${server.url}${p}`, { headers: { origin: server.url }, data });
    const cohort = (await (await post('/api/cohorts', { name: 'Запрошена група', unit: 'ДДУВС' })).json()).cohort;
    const imported = await post(`/api/cohorts/${cohort.id}/import`, {
      csv: `full_name,email\nБудь-яке Ім'я,${cadet.email}\n`,
      confirm: true,
    });
    expect(await imported.json()).toMatchObject({ invited: 1, added: 0 });
    const members = async () =>
      (await (await staff.request.get(`${server.url}/api/cohorts/${cohort.id}/members`)).json()).members.length;
    expect(await members()).toBe(0);

    const learner = await signedIn(cadet);
    const page = await learner.newPage();
    await page.goto(`${server.url}/uk/my/`);
    const invitations = page.locator('[data-invitations]');
    await invitations.waitFor();
    expect(await invitations.innerText()).toContain('Запрошена група (ДДУВС)');
    await invitations.getByRole('button', { name: 'Приєднатися' }).click();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('Ви приєдналися');
    expect(await invitations.count()).toBe(0);
    expect(await members()).toBe(1);
    await learner.close();
    await staff.close();
  });
});
