import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, withErrors } from '../../http/schemas.js';
import { BusinessHoursSchema, ExtraWorkdaySchema, HolidaySchema, WeeklySchema } from './presenter.js';
import { createBusinessHours, deleteBusinessHours, getBusinessHours, listBusinessHours, updateBusinessHours } from './service.js';

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Asia/Shanghai' }),
  weekly: WeeklySchema,
  holidays: Type.Array(HolidaySchema, { maxItems: 1000 }),
  extraWorkdays: Type.Array(ExtraWorkdaySchema, { maxItems: 1000 }),
};
const One = Type.Object({ businessHours: BusinessHoursSchema });

/** Calendars of working hours, holidays and make-up workdays: admins edit, supervisors read. */
export const businessHoursRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['business-hours'];
  const readers = requireRole('admin', 'supervisor');
  const writers = requireRole('admin');

  app.get(
    '/business-hours',
    { onRequest: readers, schema: { tags, response: withErrors({ 200: Type.Object({ items: Type.Array(BusinessHoursSchema) }) }, 401, 403) } },
    async () => ({ items: await listBusinessHours(ctx.db) }),
  );

  app.get(
    '/business-hours/:id',
    { onRequest: readers, schema: { tags, params: IdParams, response: withErrors({ 200: One }, 401, 403, 404) } },
    async (request) => ({ businessHours: await getBusinessHours(ctx.db, request.params.id) }),
  );

  app.post(
    '/business-hours',
    {
      onRequest: writers,
      schema: {
        tags,
        body: Type.Object(
          { ...fields, holidays: Type.Optional(fields.holidays), extraWorkdays: Type.Optional(fields.extraWorkdays) },
          { additionalProperties: false },
        ),
        response: withErrors({ 201: One }, 400, 401, 403, 409),
      },
    },
    async (request, reply) => {
      const { holidays = [], extraWorkdays = [], ...rest } = request.body;
      const businessHours = await createBusinessHours(ctx, agentOf(request), { ...rest, holidays, extraWorkdays });
      return reply.code(201).send({ businessHours });
    },
  );

  app.patch(
    '/business-hours/:id',
    {
      onRequest: writers,
      schema: {
        tags,
        params: IdParams,
        body: Type.Partial(Type.Object(fields, { additionalProperties: false })),
        response: withErrors({ 200: One }, 400, 401, 403, 404, 409),
      },
    },
    async (request) => ({ businessHours: await updateBusinessHours(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.delete(
    '/business-hours/:id',
    { onRequest: writers, schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404, 409) } },
    async (request, reply) => {
      await deleteBusinessHours(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
