/**
 * Admin extras: every cohort at a glance, and a database backup download (a fresh online backup,
 * integrity-checked, streamed and then deleted from the server's temporary folder).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AppError } from '../errors.ts';
import type { BackupResult } from '../../db/storage.ts';
import { auditRepo } from '../../db/repos/audit.ts';
import { cohortsRepo } from '../../db/repos/cohorts.ts';
import { Resource } from '../route.ts';
import { CohortList } from './schemas/cohorts.ts';
import { clientIp } from './auth.ts';

const ADMIN = ['admin'] as const;

export function adminRoutes() {
  return new Resource('/api/admin', 'admin')
    .route(
      {
        method: 'get',
        path: '/cohorts',
        response: CohortList,
        summary: 'Every cohort with its owner, members, courses and completions',
        access: ADMIN,
      },
      async (c) => {
        return c.json({ cohorts: await cohortsRepo(c.get('deps').db).list(null) });
      },
    )
    .route(
      {
        method: 'get',
        path: '/backup',
        fresh: true,
        summary: 'Download a fresh online backup of the database (SQLite file, integrity-checked)',
        access: ADMIN,
        produces: 'application/vnd.sqlite3',
        errors: [409],
      },
      async (c) => {
        const deps = c.get('deps');
        const backup = deps.storage.backup;
        if (!backup)
          throw new AppError(
            409,
            'conflict',
            'this server runs on PostgreSQL: back it up with the database tools (pg_basebackup or pgBackRest, see docs/operations.md)',
          );
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oberih-backup-'));
        const name = `oberih-${deps.now().toISOString().replace(/[:.]/g, '-')}.sqlite`;
        let result: BackupResult;
        try {
          result = await backup(path.join(dir, name));
        } catch (e) {
          fs.rmSync(dir, { recursive: true, force: true });
          throw e;
        }
        await auditRepo(deps.db).record({
          event: 'backup.downloaded',
          actor_id: c.get('user')!.id,
          details: { bytes: result.bytes, integrity: result.integrity },
          ip: clientIp(c),
        });
        const file = fs.createReadStream(result.file);
        file.once('close', () => fs.rmSync(dir, { recursive: true, force: true }));
        return new Response(Readable.toWeb(file) as ReadableStream<Uint8Array>, {
          headers: {
            'content-type': 'application/vnd.sqlite3',
            'content-length': String(result.bytes),
            'content-disposition': `attachment; filename="${name}"`,
            'cache-control': 'no-store',
          },
        });
      },
    );
}
