/**
 * LTI accounts become per registration (security review of issue #22): the migration keeps every
 * existing link with the registration that created it, and afterwards a second registration with
 * the same issuer may link the same `sub` to another account.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/connection.ts';
import { migrateDown, migrateToLatest } from '../../db/migrate.ts';
import { tempDir } from '../helpers/app.ts';

const AT = '2026-12-05T00:00:00.000Z';

describe('LTI accounts per registration migration', () => {
  it('keeps existing links and keys them by registration and sub', async () => {
    const { db, sqlite } = createDb(path.join(tempDir(), 'lti-accounts.sqlite'));
    await migrateToLatest(db);
    for (let step = 0; step < 50; step++) {
      const undone = await migrateDown(db);
      if (undone.some((line) => line.includes('-lti-accounts-per-registration:'))) break;
    }
    const user = (name: string) =>
      db
        .insertInto('users')
        .values({
          email: `${name}@example.ua`,
          full_name: name,
          role: 'cadet',
          password_hash: 'x',
          locale: 'uk',
          created_at: AT,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const registration = (client: string) =>
      db
        .insertInto('lti_registrations')
        .values({
          name: client,
          issuer: 'https://moodle.example',
          client_id: client,
          deployment_ids: '["d"]',
          auth_url: 'https://moodle.example/auth',
          token_url: 'https://moodle.example/token',
          jwks_url: 'https://moodle.example/jwks',
          learner_role: 'cadet',
          source: 'manual',
          created_at: AT,
          updated_at: AT,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
    const a = await registration('a');
    const b = await registration('b');
    const victim = await user('victim');
    await db
      .insertInto('lti_accounts')
      .values({
        issuer: 'https://moodle.example',
        sub: 's-1',
        user_id: victim.id,
        registration_id: a.id,
        created_at: AT,
      })
      .execute();

    await migrateToLatest(db);
    expect(await db.selectFrom('lti_accounts').selectAll().execute()).toEqual([
      { registration_id: a.id, sub: 's-1', issuer: 'https://moodle.example', user_id: victim.id, created_at: AT },
    ]);
    const other = await user('other');
    await db
      .insertInto('lti_accounts')
      .values({
        issuer: 'https://moodle.example',
        sub: 's-1',
        user_id: other.id,
        registration_id: b.id,
        created_at: AT,
      })
      .execute();
    await expect(
      db
        .insertInto('lti_accounts')
        .values({
          issuer: 'https://moodle.example',
          sub: 's-1',
          user_id: other.id,
          registration_id: a.id,
          created_at: AT,
        })
        .execute(),
    ).rejects.toThrow(/UNIQUE|PRIMARY/i);
    // Deleting a registration still takes its links with it.
    await db.deleteFrom('lti_registrations').where('id', '=', b.id).execute();
    expect((await db.selectFrom('lti_accounts').select('user_id').execute()).map((r) => r.user_id)).toEqual([
      victim.id,
    ]);
    sqlite.close();
  });
});
