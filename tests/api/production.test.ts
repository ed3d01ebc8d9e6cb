/**
 * Production safety (issue #19 item 8): PUBLIC_URL required, the __Host- cookie always Secure, the
 * server confined to loopback while a demo password works, private file modes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEnv } from '../../api/config.ts';
import { listenHost, LOOPBACK, openDemoAccounts } from '../../api/demo-guard.ts';
import { hashPassword } from '../../api/auth/password.ts';
import { secureDataDir } from '../../db/file-modes.ts';
import { DEMO_ACCOUNTS } from '../../db/seed.ts';
import { makeTestApp, tempDir } from '../helpers/app.ts';

describe('NODE_ENV=production', async () => {
  it('requires PUBLIC_URL, so links are never built from the Host header', () => {
    expect(() => readEnv({ NODE_ENV: 'production' })).toThrow(/PUBLIC_URL: required with NODE_ENV=production/);
    expect(readEnv({ NODE_ENV: 'production', PUBLIC_URL: 'https://oberih.example.ua' }).PUBLIC_URL).toBe(
      'https://oberih.example.ua',
    );
    expect(() => readEnv({ NODE_ENV: 'development' })).not.toThrow();
  });

  const t = await makeTestApp({ config: { production: true, publicUrl: 'https://oberih.example.ua' } });

  it('names the cookie __Host-oberih_session and sets Secure even when the request looks like plain HTTP', async () => {
    const user = await t.createUser('cadet');
    const res = await t.request('/api/auth/login', { json: { email: user.email, password: 'correct horse battery' } });
    expect(res.status).toBe(200);
    const set = res.headers.getSetCookie().join('\n');
    expect(set).toMatch(/^__Host-oberih_session=[a-z2-7]+;/);
    expect(set).toMatch(/; Secure/);
    expect(set).toMatch(/; Path=\//);
    expect(set).not.toMatch(/Domain=/i);
    // The plain name is not a session in production.
    const token = set.split(';')[0]!.split('=')[1]!;
    expect((await t.request('/api/me', { cookie: `oberih_session=${token}` })).status).toBe(401);
    expect((await t.request('/api/me', { cookie: `__Host-oberih_session=${token}` })).status).toBe(200);
  });
});

describe('the demo guard', async () => {
  const t = await makeTestApp();

  it('listens on 127.0.0.1 only while a published demo password still opens an account', async () => {
    expect(await openDemoAccounts(t.deps.db)).toEqual([]);
    expect(listenHost('0.0.0.0', [])).toBe('0.0.0.0');
    const demo = DEMO_ACCOUNTS[0]!;
    await t.deps.db
      .insertInto('users')
      .values({
        email: demo.email,
        full_name: demo.full_name,
        role: demo.role,
        password_hash: await hashPassword(demo.password),
        locale: 'uk',
        created_at: new Date().toISOString(),
      })
      .execute();
    const open = await openDemoAccounts(t.deps.db);
    expect(open).toEqual([demo.email]);
    expect(listenHost('0.0.0.0', open)).toBe(LOOPBACK);
    // Changed password: the network may reach it again.
    await t.deps.db
      .updateTable('users')
      .set({ password_hash: await hashPassword('a new private passphrase') })
      .where('email', '=', demo.email)
      .execute();
    expect(await openDemoAccounts(t.deps.db)).toEqual([]);
  });
});

describe('file modes', () => {
  it('makes DATA_DIR 0700 and the database, WAL, backups and key in it 0600', () => {
    const root = tempDir('oberih-modes-');
    const dir = path.join(root, 'data');
    fs.mkdirSync(path.join(dir, 'backups'), { recursive: true, mode: 0o755 });
    for (const f of [
      'oberih.sqlite',
      'oberih.sqlite-wal',
      'oberih.sqlite-shm',
      'certificate-key.pem',
      'backups/b1.sqlite',
    ])
      fs.writeFileSync(path.join(dir, f), 'x', { mode: 0o644 });
    fs.chmodSync(dir, 0o755);
    secureDataDir(dir);
    const mode = (p: string) => fs.statSync(path.join(dir, p)).mode & 0o777;
    expect(mode('.')).toBe(0o700);
    expect(mode('backups')).toBe(0o700);
    for (const f of [
      'oberih.sqlite',
      'oberih.sqlite-wal',
      'oberih.sqlite-shm',
      'certificate-key.pem',
      'backups/b1.sqlite',
    ])
      expect(mode(f), f).toBe(0o600);
    // A folder that does not exist yet is created private.
    secureDataDir(path.join(root, 'fresh'));
    expect(fs.statSync(path.join(root, 'fresh')).mode & 0o777).toBe(0o700);
  });
});
