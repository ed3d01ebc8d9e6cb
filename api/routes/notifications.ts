/** The header bell (issue #24): the signed-in person's notifications and unread count. */
import { z } from 'zod';
import { notificationsRepo } from '../../db/repos/notifications.ts';
import { notFound } from '../errors.ts';
import { Resource } from '../route.ts';
import { idParam } from './fields.ts';

export function notificationRoutes() {
  return new Resource('/api/notifications', 'notifications')
    .route(
      {
        method: 'get',
        path: '/',
        summary: 'Your latest notifications and how many are unread',
        access: 'authenticated',
        response: z.object({
          unread: z.number(),
          notifications: z.array(
            z.object({
              id: z.number(),
              kind: z.string(),
              consultation_id: z.number().nullable(),
              session_id: z.number().nullable(),
              case_note_id: z.number().nullable(),
              created_at: z.string(),
              read_at: z.string().nullable(),
            }),
          ),
        }),
      },
      async (c) => {
        const repo = notificationsRepo(c.get('deps').db);
        const id = c.get('user')!.id;
        const [unread, notifications] = await Promise.all([repo.unread(id), repo.list(id)]);
        return c.json({ unread, notifications });
      },
    )
    .route(
      {
        method: 'post',
        path: '/read',
        summary: 'Mark all your notifications read',
        access: 'authenticated',
        response: z.object({ marked: z.number() }),
      },
      async (c) => {
        const deps = c.get('deps');
        return c.json({ marked: await notificationsRepo(deps.db).markRead(c.get('user')!.id, deps.now()) });
      },
    )
    .route(
      {
        method: 'post',
        path: '/:id/read',
        summary: 'Mark one of your notifications read',
        access: 'authenticated',
        params: idParam,
        response: z.object({ marked: z.number() }),
        errors: [404],
      },
      async (c, { params }) => {
        const deps = c.get('deps');
        const n = await notificationsRepo(deps.db).markRead(c.get('user')!.id, deps.now(), params.id);
        if (!n) throw notFound('notification');
        return c.json({ marked: n });
      },
    );
}
