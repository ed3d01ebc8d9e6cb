/**
 * `npm run db:copy`: a SQLite database with the demo seed and extra rows (awkward values: Ukrainian
 * text, nested JSON, flags, nulls) copied into an empty PostgreSQL database; counts and checksums
 * verified; the app reads the same rows through Kysely on both engines; new ids continue after the
 * copied ones; the signing key moves along; a non-empty target is refused and left as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { createPgDb } from '../../db/postgres/connection.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { seedDemo } from '../../db/seed.ts';
import { seedAttempts } from '../../db/seed-attempts.ts';
import { copySqliteToPostgres, normalise } from '../../db/copy.ts';
import { KEY_FILE } from '../../api/certificates/keys.ts';
import { loadSharedSigner } from '../../api/certificates/shared-key.ts';
import { enqueueEmail } from '../../db/repos/email-outbox.ts';
import { fixtures, tempDir } from '../helpers/app.ts';
import { run, scratchDatabase } from '../helpers/pg-admin.ts';

const TABLES_COMPARED = [
  'users',
  'attempts',
  'attempt_responses',
  'progress_events',
  'completions',
  'audit_log',
  'email_outbox',
  'cohort_members',
] as const;

async function seededSqlite() {
  const dir = tempDir('oberih-copy-');
  const file = path.join(dir, 'oberih.sqlite');
  const { db } = createDb(file);
  await migrateToLatest(db);
  const catalog = fixtures();
  const courses = [...catalog.courses.values()].map((c) => ({ id: c.course.id, modules: c.course.modules }));
  await seedDemo(db, {
    hash: async (p) => `hash:${p}`,
    courses,
    base: new Date('2026-11-01T08:00:00.000Z'),
    afterProgress: seedAttempts(catalog),
  });
  // Extra rows with values that must survive the conversion.
  await db
    .updateTable('users')
    .set({ active: 0, full_name: 'Олена Ковальчук-Шевченко "О\'Ніл"' })
    .where('id', '=', 3)
    .execute();
  await db
    .insertInto('audit_log')
    .values([
      {
        at: '2026-12-01T10:11:12.345Z',
        actor_id: 1,
        event: 'user.role_changed',
        target: 'user:3',
        details: JSON.stringify({ z: 1, a: { y: [1, 2, { b: null }], x: 'ї' } }),
        ip: '192.0.2.1',
      },
      { at: '2026-12-01T10:11:13.000Z', actor_id: null, event: 'login.failed', target: null, details: null, ip: null },
    ])
    .execute();
  await enqueueEmail(
    db,
    {
      to: 'cadet01@oberih.demo',
      userId: 4,
      kind: 'reminder',
      locale: 'uk',
      subject: 'Нагадування',
      text: 'Текст',
      dedupeKey: 'copy-test-1',
    },
    new Date('2026-12-02T00:00:00.000Z'),
  );
  await db.destroy();
  const pem = crypto.generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  fs.writeFileSync(path.join(dir, KEY_FILE), pem, { mode: 0o600 });
  return { file, dir, pem };
}

describe('db:copy SQLite → PostgreSQL', () => {
  it('copies every table, verifies, and the app reads the same values from PostgreSQL', async () => {
    const src = await seededSqlite();
    const { url } = await scratchDatabase();
    const report = await copySqliteToPostgres({ from: src.file, to: url, batch: 50 });

    const byTable = Object.fromEntries(report.tables.map((t) => [t.table, t.rows]));
    expect(byTable.users).toBeGreaterThan(30);
    expect(byTable.progress_events).toBeGreaterThan(100);
    // Parents before children.
    const order = report.tables.map((t) => t.table);
    expect(order.indexOf('users')).toBeLessThan(order.indexOf('attempts'));
    expect(order.indexOf('attempts')).toBeLessThan(order.indexOf('attempt_responses'));
    expect(order.indexOf('completions')).toBeLessThan(order.indexOf('certificates'));
    expect(report.keyStored).toBe(true);

    const { db: lite } = createDb(src.file, { readonly: true });
    const { db: pg } = createPgDb(url);
    try {
      for (const table of TABLES_COMPARED) {
        const a = await lite.selectFrom(table).selectAll().execute();
        const b = await pg.selectFrom(table).selectAll().execute();
        expect(b.length, table).toBe(a.length);
        const key = (r: Record<string, unknown>) =>
          JSON.stringify(r.id ?? [r.attempt_id, r.question_id, r.cohort_id, r.user_id]);
        const sortRows = (rows: Record<string, unknown>[]) => [...rows].sort((x, y) => (key(x) < key(y) ? -1 : 1));
        // JSON comes back re-serialised by jsonb: compare it parsed.
        const norm = (rows: Record<string, unknown>[]) =>
          sortRows(rows).map((r) =>
            Object.fromEntries(
              Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^[[{]/.test(v) ? JSON.parse(v) : v]),
            ),
          );
        expect(norm(b as never), table).toEqual(norm(a as never));
      }
      const olena = await pg
        .selectFrom('users')
        .select(['active', 'full_name'])
        .where('id', '=', 3)
        .executeTakeFirstOrThrow();
      expect(olena).toEqual({ active: 0, full_name: 'Олена Ковальчук-Шевченко "О\'Ніл"' });
      // Identity sequences continue after the copied ids.
      const maxId = (
        await pg
          .selectFrom('users')
          .select((eb) => eb.fn.max('id').as('m'))
          .executeTakeFirstOrThrow()
      ).m;
      const added = await pg
        .insertInto('users')
        .values({
          email: 'new@oberih.test',
          full_name: 'Новий',
          role: 'cadet',
          password_hash: 'x',
          locale: 'uk',
          created_at: '2026-12-04T00:00:00.000Z',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(added.id).toBe(Number(maxId) + 1);
      // The certificate key moved: the shared signer on PostgreSQL is the file's key.
      const signer = await loadSharedSigner(pg, { dataDir: null });
      const fromFile = await loadSharedSigner(lite, { dataDir: src.dir });
      expect(signer.kid).toBe(fromFile.kid);
    } finally {
      await lite.destroy();
      await pg.destroy();
    }
  }, 180_000);

  it('refuses a non-empty target through the CLI, naming the tables, and changes nothing', async () => {
    const src = await seededSqlite();
    const { url } = await scratchDatabase();
    const { db } = createPgDb(url);
    await migrateToLatest(db);
    await db
      .insertInto('users')
      .values({
        email: 'someone@else',
        full_name: 'X',
        role: 'admin',
        password_hash: 'x',
        locale: 'uk',
        created_at: '2026-12-04T00:00:00.000Z',
      })
      .execute();
    const r = run(['--import', 'tsx', 'db/cli.ts', 'copy', '--to', url, '--from', src.file], {});
    expect(r.code).toBe(3);
    expect(r.stderr.trim()).toBe(
      'error: --to: the target database is not empty (rows in users): copy only into an empty database (createdb a new one); nothing was changed',
    );
    const users = await db.selectFrom('users').select('email').execute();
    expect(users).toEqual([{ email: 'someone@else' }]);
    await db.destroy();
  }, 120_000);

  it('the CLI copies the configured SQLite file by default and says what it verified', async () => {
    const src = await seededSqlite();
    const { url } = await scratchDatabase();
    const r = run(['--import', 'tsx', 'db/cli.ts', 'copy', '--to', url], { DB_FILE: src.file, DATA_DIR: src.dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/users: \d+ rows, checksum [0-9a-f]{16}… verified/);
    expect(r.stdout).toMatch(/copied \d+ rows in \d+ tables .* counts and checksums verified/);
  }, 120_000);

  it("the checksum normalisation treats both engines' forms alike and tells different values apart", () => {
    expect(normalise('boolean', 1)).toBe(normalise('boolean', 1));
    expect(normalise('boolean', 0)).not.toBe(normalise('boolean', 1));
    expect(normalise('timestamp with time zone', '2026-12-01T10:11:12.345Z')).toBe(
      normalise('timestamp with time zone', '2026-12-01 10:11:12.345+00'),
    );
    expect(normalise('jsonb', '{"b":1,"a":[1,{"d":2,"c":3}]}')).toBe(
      normalise('jsonb', '{"a": [1, {"c": 3, "d": 2}], "b": 1}'),
    );
    expect(normalise('jsonb', '{"a":1}')).not.toBe(normalise('jsonb', '{"a":2}'));
  });
});
