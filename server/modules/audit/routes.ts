import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { requireRole } from '../../http/auth.js';
import { Paginated, withErrors } from '../../http/schemas.js';
import { decodeCursor, encodeCursor } from '../tickets/cursor.js';
import { parseJsonObject } from '../tickets/json.js';
import { iso } from '../tickets/presenter.js';

const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  actor: Type.Object({ kind: Type.String(), id: Type.Union([Type.Null(), Type.Integer()]) }),
  action: Type.String(),
  entity: Type.Object({ kind: Type.String(), id: Type.Union([Type.Null(), Type.Integer()]) }),
  before: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  after: Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())]),
  at: Type.String(),
});

/** Who changed what, newest first; for admins and supervisors. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.get(
    '/audit',
    {
      onRequest: requireRole('admin', 'supervisor'),
      schema: {
        tags: ['audit'],
        querystring: Type.Object({
          entityKind: Type.Optional(Type.String({ maxLength: 40 })),
          entityId: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          cursor: Type.Optional(Type.String({ maxLength: 100 })),
        }),
        response: withErrors({ 200: Paginated(AuditEntrySchema) }, 400, 401, 403),
      },
    },
    async (request) => {
      const { entityKind, entityId, cursor } = request.query;
      const limit = request.query.limit ?? 50;
      const after = decodeCursor(cursor, 1);
      let q = ctx.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit + 1);
      if (entityKind !== undefined) q = q.where('entity_kind', '=', entityKind);
      if (entityId !== undefined) q = q.where('entity_id', '=', entityId);
      if (after) q = q.where('id', '<', after[0] ?? 0);
      const rows = await q.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({
          id: r.id,
          actor: { kind: r.actor_kind, id: r.actor_id },
          action: r.action,
          entity: { kind: r.entity_kind, id: r.entity_id },
          before: r.before === null ? null : parseJsonObject(r.before),
          after: r.after === null ? null : parseJsonObject(r.after),
          at: iso(r.created_at),
        })),
        nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null,
      };
    },
  );
};
