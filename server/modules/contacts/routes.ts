import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent, requireRole } from '../../http/auth.js';
import { IdParams, Paginated, withErrors } from '../../http/schemas.js';
import { listTickets } from '../tickets/list.js';
import { parseTicketQuery } from '../tickets/filters.js';
import { TicketSchema } from '../tickets/schemas.js';
import { eraseContact } from './erase.js';
import { mergeContacts } from './merge.js';
import { presentOneContact } from './presenter.js';
import { ContactSchema } from './schemas.js';
import { createContact, getContactRow, listContacts, updateContact } from './service.js';

const Str = (max: number) => Type.String({ maxLength: max });
const NullableStr = (max: number) => Type.Union([Type.Null(), Str(max)]);
const ContactBody = Type.Object(
  {
    name: Type.Optional(NullableStr(200)),
    email: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 320, pattern: '^$|^[^\\s@]+@[^\\s@]+$' })])),
    phone: Type.Optional(NullableStr(50)),
    language: Type.Optional(NullableStr(20)),
    attributes: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
    notes: Type.Optional(Str(20_000)),
  },
  { additionalProperties: false },
);
const One = Type.Object({ contact: ContactSchema });

/** A contact's whole history across channels, at most this many tickets, newest first. */
const HISTORY_LIMIT = 200;

export const contactsRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', requireAgent);
  const tags = ['contacts'];

  app.get(
    '/contacts',
    {
      schema: {
        tags,
        querystring: Type.Object({
          q: Type.Optional(Str(200)),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          cursor: Type.Optional(Str(200)),
        }),
        response: withErrors({ 200: Paginated(ContactSchema) }, 400, 401),
      },
    },
    async (request) => listContacts(ctx, { q: request.query.q, limit: request.query.limit ?? 50, cursor: request.query.cursor }),
  );

  app.post(
    '/contacts',
    { schema: { tags, body: ContactBody, response: withErrors({ 201: One }, 400, 401, 409) } },
    async (request, reply) => reply.code(201).send({ contact: await createContact(ctx, agentOf(request), request.body) }),
  );

  app.get(
    '/contacts/:id',
    {
      schema: {
        tags,
        params: IdParams,
        response: withErrors({ 200: Type.Object({ contact: ContactSchema, tickets: Type.Array(TicketSchema) }) }, 401, 404),
      },
    },
    async (request) => {
      const viewer = agentOf(request);
      const row = await getContactRow(ctx, request.params.id);
      // Tickets the viewer may not see are left out, as everywhere else.
      const filters = parseTicketQuery({ contact: String(row.id), status: 'all', limit: HISTORY_LIMIT });
      const [contact, tickets] = await Promise.all([presentOneContact(ctx.db, row, ctx.config.channels.widget), listTickets(ctx, viewer, filters)]);
      return { contact, tickets: tickets.items };
    },
  );

  app.patch(
    '/contacts/:id',
    { schema: { tags, params: IdParams, body: ContactBody, response: withErrors({ 200: One }, 400, 401, 404, 409) } },
    async (request) => ({ contact: await updateContact(ctx, agentOf(request), request.params.id, request.body) }),
  );

  app.post(
    '/contacts/:id/merge',
    {
      onRequest: requireRole('admin', 'supervisor'),
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ intoContactId: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        response: withErrors({ 200: One }, 400, 401, 403, 404),
      },
    },
    async (request) => ({ contact: await mergeContacts(ctx, agentOf(request), request.params.id, request.body.intoContactId) }),
  );

  app.delete(
    '/contacts/:id',
    { onRequest: requireRole('admin'), schema: { tags, params: IdParams, response: withErrors({ 204: Type.Null() }, 401, 403, 404) } },
    async (request, reply) => {
      await eraseContact(ctx, agentOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};
