import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { withErrors } from '../../http/schemas.js';
import { listNotifications, markNotificationsRead } from './notification-tray.js';
import { NotificationSchema } from './notifications.js';

const UnreadCount = Type.Integer({ minimum: 0, description: "the agent's notifications not yet read" });

/** The signed-in agent's own notification tray: SLA warnings and breaches, reminders, snooze wake-ups. */
export const notificationRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['notifications'];

  app.get(
    '/notifications',
    {
      schema: {
        tags,
        description: 'Newest first. `nextCursor` fetches the next, older page.',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })), cursor: Type.Optional(Type.String({ maxLength: 20 })) }),
        response: withErrors({ 200: Type.Object({ items: Type.Array(NotificationSchema), nextCursor: Type.Union([Type.String(), Type.Null()]), unreadCount: UnreadCount }) }, 400, 401),
      },
    },
    async (request) => listNotifications(ctx.db, agentOf(request).id, { limit: request.query.limit ?? 30, cursor: request.query.cursor }),
  );

  app.post(
    '/notifications/read',
    {
      schema: {
        tags,
        description: 'Marks the listed notifications, or all of them, read.',
        body: Type.Object(
          { ids: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500 })), all: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: withErrors({ 200: Type.Object({ unreadCount: UnreadCount }) }, 400, 401),
      },
    },
    async (request) => ({ unreadCount: await markNotificationsRead(ctx.db, agentOf(request).id, request.body, now()) }),
  );
};
