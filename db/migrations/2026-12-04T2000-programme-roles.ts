/**
 * Three new roles for the programme: `specialist` (service providers the programme trains: children's
 * services, schools, NGOs; a learner), `coordinator` (programme coordinators per oblast or national;
 * aggregates only) and `supervisor` (experienced specialists who answer officers' consultations).
 *
 * SQLite cannot alter a CHECK constraint, so `users` is rebuilt the way https://sqlite.org/lang_altertable.html
 * ("Making Other Kinds Of Table Schema Changes") prescribes: foreign keys off, copy into a new table made
 * from the stored definition with only the role list changed, drop, rename, recreate indexes and
 * triggers, `foreign_key_check`, foreign keys on. Migrations on SQLite run outside a transaction
 * (Kysely: no transactional DDL there), so the rebuild opens its own. Frozen in time: never import
 * application code here.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

const OLD = `'cadet','officer','instructor','admin'`;
const NEW = `'cadet','officer','instructor','admin','specialist','coordinator','supervisor'`;

async function setRoles(db: Kysely<any>, from: string, to: string): Promise<void> {
  if (isPostgres(db)) {
    await sql`alter table users drop constraint if exists users_role_check`.execute(db);
    await sql.raw(`alter table users add constraint users_role_check check (role in (${to}))`).execute(db);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'users'`.execute(db);
  const createSql = table.rows[0]?.sql;
  if (!createSql) throw new Error('users table not found');
  const pattern = new RegExp(`role\\s+in\\s*\\(\\s*${from.replace(/,/g, '\\s*,\\s*')}\\s*\\)`, 'i');
  if (!pattern.test(createSql)) throw new Error('users.role check not in the expected form');
  const rebuilt = createSql
    .replace(pattern, `role in (${to})`)
    .replace(/^CREATE TABLE\s+("?users"?|`users`)/i, 'CREATE TABLE "users_rebuild"');
  const extras = await sql<{
    sql: string;
  }>`select sql from sqlite_master where tbl_name = 'users' and type in ('index', 'trigger') and sql is not null`.execute(
    db,
  );
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`begin immediate`.execute(db);
    try {
      await sql.raw(rebuilt).execute(db);
      await sql`insert into users_rebuild select * from users`.execute(db);
      await sql`drop table users`.execute(db);
      await sql`alter table users_rebuild rename to users`.execute(db);
      for (const row of extras.rows) await sql.raw(row.sql).execute(db);
      const broken = await sql`pragma foreign_key_check`.execute(db);
      if (broken.rows.length > 0) throw new Error(`foreign key check failed after rebuilding users`);
      await sql`commit`.execute(db);
    } catch (e) {
      await sql`rollback`.execute(db);
      throw e;
    }
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await setRoles(db, OLD, NEW);
}

export async function down(db: Kysely<any>): Promise<void> {
  await setRoles(db, NEW, OLD);
}
