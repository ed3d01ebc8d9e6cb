import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('the server as a real process', async () => {
  const server = await startServer();

  it('prints the URL and the demo accounts', async () => {
    expect(server.output()).toMatch(/Oberih is running: http:\/\/localhost:\d+\/uk\//);
    // The list is printed after the banner the start waits for, possibly in later chunks of output.
    await expect
      .poll(() => DEMO_ACCOUNTS.filter((a) => !server.output().includes(a.email)).map((a) => a.email))
      .toEqual([]);
  });

  it('answers /api/health and serves /uk/ with security headers', async () => {
    const health = await fetch(`${server.url}/api/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).status).toBe('ok');
    const home = await fetch(`${server.url}/uk/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toMatch(/text\/html/);
    expect(await home.text()).toContain('<html lang="uk">');
    expect(home.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/uk/');
    const missing = await fetch(`${server.url}/en/no-such-page/`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<html lang="en">');
  });

  it('a new user can sign in as the demo admin in Chromium', async () => {
    const browser = await launchBrowser();
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`${server.url}/uk/login/`);
    const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
    await page.getByLabel('Електронна пошта').fill(admin.email);
    await page.getByLabel('Пароль').fill(admin.password);
    await page.getByRole('button', { name: 'Увійти' }).click();
    await page.waitForURL('**/uk/my/');
    await expect.poll(() => page.locator('main').innerText()).toContain(admin.full_name);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'oberih_session')!;
    expect(session.httpOnly).toBe(true);
    expect(session.sameSite).toBe('Lax');
    expect(errors.filter((e) => /Content Security Policy/.test(e))).toEqual([]);
  });

  it('seeding is deterministic and re-runnable: a restart does not seed twice', async () => {
    const again = await startServer({ DATA_DIR: server.dataDir, PORT: '0' });
    expect(again.output()).not.toMatch(/demo data created/);
    const res = await fetch(`${again.url}/api/health`);
    expect(res.status).toBe(200);
    await again.stop();
  });
});
