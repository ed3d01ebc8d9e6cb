/**
 * PostgreSQL only: announce every change to `users` and `sessions` on the channel the session caches
 * of all API instances listen on (db/postgres/session-cache.ts): `u:<user id>` for an UPDATE or
 * DELETE of a user, `s:<session id>` for an UPDATE or DELETE of a session, `c` (forget everything) for a
 * TRUNCATE of either. PostgreSQL sends them at
 * COMMIT (nothing for a rolled-back change), whoever made the change: an API instance, the CLI, psql.
 * SQLite needs nothing in the schema (its cache uses TEMP triggers on its own connection).
 * Frozen in time: never import application code here.
 */
import { sql, type Kysely } from 'kysely';
import { isPostgres } from './dialect.ts';

export async function up(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`
    create function oberih_session_cache_notify() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('oberih_session_cache', 'c');
      elsif tg_table_name = 'users' then
        perform pg_notify('oberih_session_cache', 'u:' || old.id::text);
      else
        perform pg_notify('oberih_session_cache', 's:' || old.id);
      end if;
      return null;
    end
    $$`.execute(db);
  await sql`create trigger users_session_cache after update or delete on users
    for each row execute function oberih_session_cache_notify()`.execute(db);
  await sql`create trigger sessions_session_cache after update or delete on sessions
    for each row execute function oberih_session_cache_notify()`.execute(db);
  await sql`create trigger users_session_cache_truncate after truncate on users
    for each statement execute function oberih_session_cache_notify()`.execute(db);
  await sql`create trigger sessions_session_cache_truncate after truncate on sessions
    for each statement execute function oberih_session_cache_notify()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!isPostgres(db)) return;
  await sql`drop trigger if exists sessions_session_cache_truncate on sessions`.execute(db);
  await sql`drop trigger if exists users_session_cache_truncate on users`.execute(db);
  await sql`drop trigger if exists sessions_session_cache on sessions`.execute(db);
  await sql`drop trigger if exists users_session_cache on users`.execute(db);
  await sql`drop function if exists oberih_session_cache_notify()`.execute(db);
}
