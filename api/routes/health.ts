import { sql } from 'kysely';
import { Resource } from '../route.ts';
import { Health } from './schemas/admin.ts';

export function healthRoutes() {
  return new Resource('/api/health', 'system').route(
    { method: 'get', path: '/', summary: 'Liveness and database check', access: 'public', response: Health },
    async (c) => {
      await sql`select 1`.execute(c.get('deps').db);
      return c.json({ status: 'ok', time: c.get('deps').now().toISOString() });
    },
  );
}
