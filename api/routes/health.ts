import { sql } from 'kysely';
import { Resource } from '../route.ts';

export function healthRoutes() {
  return new Resource('/api/health', 'system').route(
    { method: 'get', path: '/', summary: 'Liveness and database check', access: 'public' },
    async (c) => {
      await sql`select 1`.execute(c.get('deps').db);
      return c.json({ status: 'ok', time: c.get('deps').now().toISOString() });
    },
  );
}
