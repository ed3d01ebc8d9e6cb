/**
 * Backups taken while the server is writing: `npm run db:backup` (a separate process, SQLite's online
 * backup) and `npm run db:restore`; every write acknowledged before the backup started is in the
 * restored copy. Also the scheduled backups with retention (BACKUP_INTERVAL, BACKUP_KEEP).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app.ts';
import { startServer } from '../helpers/server.ts';
import { login, newAcks, runLoad, unlimitedContent, verifyAcknowledged } from './load.ts';

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'db/cli.ts', ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

describe('backup and restore under load', () => {
  it(
    'restores a backup taken under load with every write acknowledged before it started',
    { timeout: 90_000 },
    async () => {
      const dir = tempDir('oberih-backup-');
      const env = { DATA_DIR: dir, CONTENT_DIR: unlimitedContent(dir), LOG_LEVEL: 'silent' };
      const server = await startServer(env);
      const learners = await Promise.all(
        ['cadet01', 'cadet02', 'cadet03', 'cadet04', 'cadet05', 'cadet06'].map(async (n) => ({
          email: `${n}@oberih.demo`,
          cookie: await login(server.url, `${n}@oberih.demo`),
        })),
      );
      const acks = newAcks();
      const load = runLoad(server.url, learners, acks, 'backup');
      await new Promise((r) => setTimeout(r, 1500));
      const startedAt = Date.now();
      const file = path.join(dir, 'under-load.sqlite');
      const backup = cli(['backup', file], { DATA_DIR: dir });
      expect(backup.status, backup.stderr).toBe(0);
      expect(backup.stdout).toMatch(/integrity ok/);
      await new Promise((r) => setTimeout(r, 500));
      await load.stop();
      await server.stop();
      const before = [...acks.ackedAt.entries()].filter(([, t]) => t < startedAt).map(([id]) => id);
      expect(before.length).toBeGreaterThan(20);
      // Restore into a fresh location and check it.
      const target = path.join(dir, 'restored', 'oberih.sqlite');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      const restore = cli(['restore', file], { DB_FILE: target });
      expect(restore.status, restore.stderr).toBe(0);
      const beforeSet = new Set(before);
      const check = verifyAcknowledged(target, acks, (id) => beforeSet.has(id));
      expect(check.integrity).toBe('ok');
      expect(check.checked).toBe(before.length);
      expect(check.missing).toEqual([]);
      console.log(`backup under load: ${check.checked} writes acknowledged before the backup started, all restored`);
    },
  );

  it('refuses to restore a corrupt file with a clear message and leaves the database alone', () => {
    const dir = tempDir('oberih-restore-');
    const junk = path.join(dir, 'junk.sqlite');
    fs.writeFileSync(junk, Buffer.alloc(8192, 7));
    const target = path.join(dir, 'oberih.sqlite');
    fs.writeFileSync(target, 'keep me');
    const r = cli(['restore', junk], { DB_FILE: target });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/refusing to restore/);
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
  });

  it('writes scheduled backups and keeps only the newest BACKUP_KEEP', { timeout: 60_000 }, async () => {
    const dir = tempDir('oberih-scheduled-');
    const server = await startServer({ DATA_DIR: dir, BACKUP_INTERVAL: '0.02', BACKUP_KEEP: '2', LOG_LEVEL: 'silent' });
    const backups = () =>
      fs.existsSync(path.join(dir, 'backups'))
        ? fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.sqlite'))
        : [];
    await expect.poll(() => backups().length, { timeout: 20_000 }).toBe(2);
    await new Promise((r) => setTimeout(r, 3000));
    expect(backups().length).toBe(2);
    await server.stop();
  });
});
