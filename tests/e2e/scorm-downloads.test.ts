/** Instructors find the exported SCORM packages in their workspace and can download them. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';

describe('SCORM downloads in the instructor workspace', async () => {
  // A stand-in package in the export folder the server reads (dist/scorm, relative to its cwd).
  const dir = path.resolve('dist/scorm');
  const file = path.join(dir, 'fixture-course-uk-scorm12.zip');
  const existed = fs.existsSync(file);
  if (!existed) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, 'PK\u0003\u0004 test');
  }
  const server = await startServer();
  const browser = await launchBrowser();

  it('lists the packages with a working download link', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/en/login/`);
    await page.locator('#email').fill('instructor@oberih.demo');
    await page.locator('#password').fill('demo-instructor-2026');
    await page.locator('[data-login-form] button[type=submit]').click();
    await page.waitForURL('**/en/my/');
    await page.goto(`${server.url}/en/instructor/`);
    const link = page.locator('[data-scorm-packages] a[href="/api/scorm/fixture-course-uk-scorm12.zip"]');
    await expect.poll(() => link.count()).toBe(1);
    expect(await page.locator('[data-scorm-packages]').innerText()).toMatch(/Fixture course/);
    const res = await page.evaluate(() => fetch('/api/scorm/fixture-course-uk-scorm12.zip').then((r) => r.status));
    expect(res).toBe(200);
    if (!existed) fs.rmSync(file);
  });
});
