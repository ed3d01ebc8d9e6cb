/**
 * The verification page in headless Chromium against the real server: a certificate's QR link is
 * checked in the browser with WebCrypto, also with the browser context offline (page loaded once
 * online, then the network cut), and forged links are told apart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { encodeBase64urlNoPadding } from '@oslojs/encoding';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { decodeToken, encodeToken, payloadBytes, type CertificatePayload } from '../../courses/certificate.ts';
import { rightAnswers } from '../helpers/answers.ts';
import { KEY_FILE } from '../../api/certificates/keys.ts';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { fixtures } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { startServer } from '../helpers/server.ts';
import { storeStudy, studyEvents } from '../helpers/study.ts';

const COURSE = 'fixture-course';
const NAME = 'Ярослава Ґонта-Їжак';

describe('certificate verification in the browser', async () => {
  const server = await startServer();
  const origin = server.url;
  const api = async (p: string, init: { cookie?: string; json?: unknown } = {}) =>
    fetch(`${origin}${p}`, {
      method: init.json === undefined ? 'GET' : 'POST',
      headers: {
        ...(init.json === undefined ? {} : { 'content-type': 'application/json', origin }),
        ...(init.cookie ? { cookie: init.cookie } : {}),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  const login = async (email: string, password: string) => {
    const res = await api('/api/auth/login', { json: { email, password } });
    expect(res.status).toBe(200);
    return res.headers
      .getSetCookie()
      .find((c) => c.startsWith('oberih_session='))!
      .split(';')[0]!;
  };

  // An admin creates a learner, who completes the fixture course and passes its assessment.
  const adminAccount = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
  const admin = await login(adminAccount.email, adminAccount.password);
  const email = `verify-${crypto.randomUUID().slice(0, 8)}@test.ua`;
  expect(
    (
      await api('/api/admin/users', {
        cookie: admin,
        json: { email, full_name: NAME, role: 'cadet', password: 'long enough password', locale: 'uk' },
      })
    ).status,
  ).toBe(201);
  const learner = await login(email, 'long enough password');
  const events = studyEvents(fixtures().courses.get(COURSE)!, { end: new Date(Date.now() - 60_000) });
  storeStudy(path.join(server.dataDir, 'oberih.sqlite'), email, events);
  const { attempt } = await (
    await api(`/api/courses/${COURSE}/attempts`, { cookie: learner, json: { locale: 'uk' } })
  ).json();
  const pool = new Map(
    fixtures()
      .courses.get(COURSE)!
      .pool!.map((q) => [q.id, q]),
  );
  const responses = rightAnswers(pool, attempt.questions);
  expect((await api(`/api/attempts/${attempt.id}/submit`, { cookie: learner, json: { responses } })).status).toBe(200);
  const { certificates } = await (await api('/api/me/certificates', { cookie: learner })).json();
  const cert = certificates[0] as { code: string; verify_url: string };
  const genuine = new URL(cert.verify_url).hash.slice(1);
  const decoded = decodeToken(genuine);
  if (!decoded.ok) throw new Error('the issued token does not decode');
  const signed = decoded.payload;

  /** The QR link with the payload edited but the original signature kept. */
  const edited = (change: Partial<CertificatePayload>) =>
    `${encodeBase64urlNoPadding(payloadBytes({ ...signed, ...change }))}.${genuine.split('.')[1]}`;
  const impostor = crypto.generateKeyPairSync('ed25519').privateKey;
  const wrongKey = encodeToken(
    { ...signed, name: 'Хтось Інший' },
    new Uint8Array(crypto.sign(null, payloadBytes({ ...signed, name: 'Хтось Інший' }), impostor)),
  );

  const browser = await launchBrowser();
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  const result = page.locator('[data-verify-result]');
  const open = async (token: string) => {
    await page.goto(`${origin}/uk/verify/#${token}`);
    await expect.poll(() => result.getAttribute('data-signature')).not.toBeNull();
  };

  it('the server generated its signing key into DATA_DIR (mode 0600) and publishes the public half', async () => {
    expect(fs.statSync(path.join(server.dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    const { keys } = await (await api('/.well-known/oberih-certificates.json')).json();
    expect(keys.map((k: { kid: string }) => k.kid)).toEqual([signed.kid]);
  });

  it('"My learning" lists the certificate with its PDF and, within 60 days of expiry, warns', async () => {
    const mine = await context.newPage();
    await context.addCookies([{ name: 'oberih_session', value: learner.split('=')[1]!, url: origin }]);
    await mine.goto(`${origin}/uk/my/`);
    const card = mine.locator(`[data-course="${COURSE}"]`);
    await expect.poll(() => card.innerText().catch(() => '')).toContain(cert.code);
    expect(await card.getByRole('link', { name: 'Завантажити PDF' }).getAttribute('href')).toBe(
      `/api/certificates/${cert.code}.pdf`,
    );
    expect(await card.locator('[data-expiring]').count()).toBe(0);
    // Bring the expiry 30 days close (in the register only) and look again.
    const db = new Database(path.join(server.dataDir, 'oberih.sqlite'));
    db.prepare('update certificates set expires_at = ? where code = ?').run(
      new Date(Date.now() + 30 * 86400_000).toISOString(),
      cert.code,
    );
    await mine.reload();
    await expect.poll(() => card.locator('[data-expiring]').count()).toBe(1);
    expect(await card.locator('[data-expiring]').innerText()).toMatch(/Сертифікат спливає/);
    db.prepare('update certificates set expires_at = ? where code = ?').run(
      `${signed.expires}T00:00:00.000Z`,
      cert.code,
    );
    db.close();
    await mine.close();
    await context.clearCookies();
  });

  it('offline (page loaded once online): a genuine QR link verifies, and the page says revocation needs a connection', async () => {
    await page.goto(`${origin}/uk/verify/`);
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('oberih.certificate-keys.v1')))
      .toContain(signed.kid);
    await context.setOffline(true);
    await open(genuine);
    expect(await result.getAttribute('data-signature')).toBe('valid');
    const text = await result.innerText();
    expect(text).toContain('Справжній: підпис дійсний');
    expect(text).toContain(NAME);
    expect(text).toContain('Тестовий курс');
    expect(text).toContain(cert.code);
    expect(text).toContain('без з’єднання');
    expect(await result.getAttribute('data-registry')).toBe('offline');
    expect(text).toMatch(/відкликано.*лише онлайн/);
  });

  it('offline: an edited name, an edited date, another key and a truncated link are all shown as not genuine', async () => {
    const forgeries = {
      name: edited({ name: 'Хтось Інший' }),
      expiry: edited({ expires: '2099-12-31' }),
      issued: edited({ issued: '2020-01-01' }),
      wrongKey,
      truncated: genuine.slice(0, genuine.length - 20),
      truncatedPayload: genuine.slice(0, 30),
    };
    for (const [what, token] of Object.entries(forgeries)) {
      await open(token);
      expect(await result.getAttribute('data-signature'), what).toBe('forged');
      const text = await result.innerText();
      expect(text, what).toContain('НЕСПРАВЖНІЙ');
      // A forged link's claims are never shown as facts.
      expect(text, what).not.toContain('Хтось Інший');
    }
    await context.setOffline(false);
  });

  it('online: the register confirms a valid certificate; after revocation the same link says revoked', async () => {
    await open(genuine);
    await expect.poll(() => result.getAttribute('data-registry')).toBe('valid');
    expect(await result.innerText()).toContain('Дійсний: сертифікат є в реєстрі');
    expect(
      (await api(`/api/admin/certificates/${cert.code}/revoke`, { cookie: admin, json: { reason: 'e2e: revoked' } }))
        .status,
    ).toBe(200);
    await page.goto(`${origin}/uk/verify/`);
    await open(genuine);
    await expect.poll(() => result.getAttribute('data-registry')).toBe('revoked');
    const text = await result.innerText();
    expect(text).toContain('ВІДКЛИКАНО');
    expect(await result.locator('h2').innerText()).toContain('ВІДКЛИКАНО');
  });

  it('without a QR link, a typed code is looked up; unknown codes are not found', async () => {
    await page.goto(`${origin}/en/verify/`);
    await page.getByLabel('Certificate code').fill(cert.code.toLowerCase().replace(/-/g, ' '));
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => result.getAttribute('data-registry')).toBe('revoked');
    expect(await result.innerText()).toContain(NAME);
    await page.getByLabel('Certificate code').fill('0000-0000-0000-0000-0000-0000-0000-0000');
    await page.getByRole('button', { name: 'Check' }).click();
    await expect.poll(() => result.getAttribute('data-registry')).toBe('not-found');
    expect(await result.innerText()).toContain('No certificate with this code');
    // /verify/<code> from a printed certificate opens the page with the code filled in.
    await page.goto(`${origin}/verify/${cert.code}`);
    await expect.poll(() => result.getAttribute('data-registry')).toBe('revoked');
    expect(new URL(page.url()).pathname).toBe('/uk/verify/');
    expect(await page.getByLabel('Код сертифіката').inputValue()).toBe(cert.code);
    expect(errors.filter((e) => /Content Security Policy/.test(e))).toEqual([]);
  });

  it('the page, with a result shown, has no axe-core accessibility violations', async () => {
    await open(genuine);
    await expect.poll(() => result.getAttribute('data-registry')).toBe('revoked');
    await page.evaluate(fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const r = await (
        window as unknown as {
          axe: { run: (o: object) => Promise<{ violations: { id: string; nodes: unknown[] }[] }> };
        }
      ).axe.run({ runOnly: ['wcag2a', 'wcag2aa'] });
      return r.violations.map((v) => `${v.id} (${v.nodes.length})`);
    });
    expect(violations).toEqual([]);
  });
});
