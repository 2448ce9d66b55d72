import { TicketSlaSchema } from '../sla/policy-types.js';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../context.js';
import { agentOf, requireAgent } from '../../http/auth.js';
import { BadRequest } from '../../http/errors.js';
import { IDEMPOTENCY_HEADER, idempotent } from '../../http/idempotency.js';
import { IdParams, Paginated, withErrors } from '../../http/schemas.js';
import { ContactSchema } from '../contacts/schemas.js';
import { countTickets } from './counts.js';
import { parseTicketQuery } from './filters.js';
import { configuredChannelNames } from './reply-channel.js';
import { listTickets, type TicketTextMatch } from './list.js';
import { mergeTickets } from './merge.js';
import { postMessage } from './post-message.js';
import { bulkUpdate, createTicket, getTicketDetail, listMessages, listTimelineEvents, updateTicket } from './service.js';
import { CsatSchema, MessageSchema, ReplyChannelSchema, TicketPrioritySchema, TicketSchema, TicketStatusSchema, TimelineEventSchema } from './schemas.js';

// Null first: with type coercion on, a null would otherwise be turned into "" by the string branch.
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([Type.Null(), t]);
const Id = Type.Integer({ minimum: 1 });
const Labels = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 });

export const ListQuery = Type.Object({
  view: Type.Optional(Type.String({ description: 'mine | unassigned | team | all' })),
  status: Type.Optional(Type.String({ description: 'comma-separated: open,pending,snoozed,resolved,closed, or all' })),
  assignee: Type.Optional(Type.String({ description: 'me | none | agent id' })),
  team: Type.Optional(Type.String()),
  label: Type.Optional(Type.String()),
  channel: Type.Optional(Type.String({ description: 'a channel name, or a channel kind (email, widget, telegram, ...); a configured name wins over a kind spelled the same' })),
  priority: Type.Optional(Type.String({ description: 'comma-separated: low,normal,high,urgent' })),
  contact: Type.Optional(Type.String()),
  q: Type.Optional(Type.String({ maxLength: 200 })),
  sort: Type.Optional(Type.String({ description: 'last_activity | created | priority | sla_due (tickets with a running SLA clock, due soonest first with order=asc)' })),
  sla: Type.Optional(Type.String({ description: 'running: only tickets with a running SLA clock; breaching: due within the hour or already breached' })),
  bot: Type.Optional(Type.String({ description: 'handled: chats the answer bot took; deflected: chats it solved before any agent wrote (as reports count them)' })),
  createdFrom: Type.Optional(Type.String({ description: 'ISO 8601: only tickets created at or after this instant' })),
  createdTo: Type.Optional(Type.String({ description: 'ISO 8601: only tickets created before this instant' })),
  resolvedFrom: Type.Optional(Type.String({ description: 'ISO 8601: only tickets last resolved at or after this instant (as reports count resolutions)' })),
  resolvedTo: Type.Optional(Type.String({ description: 'ISO 8601: only tickets last resolved before this instant' })),
  order: Type.Optional(Type.String({ description: 'desc | asc' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
});

const Counts = Type.Object({
  mine: Type.Integer(),
  unassigned: Type.Integer(),
  team: Type.Integer(),
  all: Type.Integer(),
  snoozed: Type.Integer(),
  resolved: Type.Integer({ description: 'resolved and closed, as the Resolved view lists them' }),
  unread: Type.Integer({ description: "the caller's own open and pending tickets with a message they have not read" }),
  byChannel: Type.Record(Type.String(), Type.Integer()),
  byLabel: Type.Record(Type.String(), Type.Integer()),
});

const Channel = Type.Object({ kind: Type.String({ minLength: 1, maxLength: 32 }), name: Type.String({ minLength: 1, maxLength: 64 }) });
const Text = Type.String({ maxLength: 100_000 });
const AttachmentIds = Type.Array(Id, { maxItems: 20 });
const Events = Type.Array(TimelineEventSchema);

const PatchBody = Type.Object(
  {
    status: Type.Optional(TicketStatusSchema),
    priority: Type.Optional(TicketPrioritySchema),
    assigneeId: Type.Optional(Nullable(Id)),
    teamId: Type.Optional(Nullable(Id)),
    labels: Type.Optional(Labels),
    customFields: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Unknown())),
    snoozedUntil: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    subject: Type.Optional(Type.String({ minLength: 1, maxLength: 250 })),
  },
  { additionalProperties: false },
);

const BulkBody = Type.Object(
  {
    ids: Type.Array(Id, { minItems: 1, maxItems: 500 }),
    changes: Type.Object(
      {
        status: Type.Optional(TicketStatusSchema),
        priority: Type.Optional(TicketPrioritySchema),
        assigneeId: Type.Optional(Nullable(Id)),
        teamId: Type.Optional(Nullable(Id)),
        addLabels: Type.Optional(Labels),
        removeLabels: Type.Optional(Labels),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

function parseTime(field: string, value: string | null | undefined): number | null | undefined {
  if (value === undefined || value === null) return value;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new BadRequest(`${field}: not an ISO-8601 time`, { field });
  return ms;
}

export interface TicketsRoutesOptions {
  ctx: AppContext;
  /** server/search's text match for `q`; without it `q` answers 400. */
  textMatch?: TicketTextMatch | undefined;
}

export const ticketsRoutes: FastifyPluginAsyncTypebox<TicketsRoutesOptions> = async (app, { ctx, textMatch }) => {
  const channelNames = configuredChannelNames(ctx.config);
  app.addHook('onRequest', requireAgent);
  const tags = ['tickets'];
  const once = idempotent(ctx);
  const idempotencyHeader = Type.Object({
    [IDEMPOTENCY_HEADER]: Type.Optional(
      Type.String({ description: 'A key of your choosing: a retry with the same key and body within 24 hours returns the first answer instead of writing again.' }),
    ),
  });

  app.get(
    '/tickets',
    { schema: { tags, querystring: ListQuery, response: withErrors({ 200: Paginated(TicketSchema) }, 400, 401) } },
    async (request) => listTickets(ctx, agentOf(request), parseTicketQuery(request.query, channelNames), textMatch),
  );

  app.get('/tickets/counts', { schema: { tags, response: withErrors({ 200: Counts }, 401) } }, async (request) =>
    countTickets(ctx, agentOf(request)),
  );

  app.post(
    '/tickets',
    {
      ...once,
      schema: {
        tags,
        headers: idempotencyHeader,
        body: Type.Object(
          {
            contactId: Id,
            subject: Type.String({ minLength: 1, maxLength: 250 }),
            text: Text,
            html: Type.Optional(Text),
            channel: Type.Optional(Channel),
            attachmentIds: Type.Optional(AttachmentIds),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 201: Type.Object({ ticket: TicketSchema }) }, 400, 401, 409, 422),
      },
    },
    async (request, reply) => {
      const ticket = await createTicket(ctx, agentOf(request), request.body);
      return reply.code(201).send({ ticket });
    },
  );

  app.get(
    '/tickets/:id',
    {
      schema: {
        tags,
        params: IdParams,
        description: 'The ticket, its latest messages and the changes (assigned, status, ...) made since the first of them.',
        response: withErrors(
          {
            200: Type.Object({
              ticket: TicketSchema,
              messages: Type.Array(MessageSchema),
              events: Events,
              contact: ContactSchema,
              replyChannel: ReplyChannelSchema,
              csat: Type.Union([CsatSchema, Type.Null()]),
              sla: TicketSlaSchema,
            }),
          },
          401,
          404,
        ),
      },
    },
    async (request) => getTicketDetail(ctx, agentOf(request), request.params.id),
  );

  app.get(
    '/tickets/:id/messages',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })), cursor: Type.Optional(Type.String({ maxLength: 200 })) }),
        description: 'A page of messages, oldest first, with the changes made between the previous page and the last of these.',
        response: withErrors({ 200: Type.Object({ items: Type.Array(MessageSchema), nextCursor: Nullable(Type.String()), events: Events }) }, 400, 401, 404),
      },
    },
    async (request) =>
      listMessages(ctx, agentOf(request), request.params.id, { limit: request.query.limit ?? 100, cursor: request.query.cursor }),
  );

  app.get(
    '/tickets/:id/events',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: Type.Object({ after: Type.Optional(Type.Integer({ minimum: 0, description: 'an event id: only newer events' })) }),
        description: 'Changes to the ticket shown in its timeline, oldest first; `after` fetches those a live update announced.',
        response: withErrors({ 200: Type.Object({ items: Events }) }, 400, 401, 404),
      },
    },
    async (request) => ({ items: await listTimelineEvents(ctx, agentOf(request), request.params.id, request.query.after ?? 0) }),
  );

  app.post(
    '/tickets/:id/messages',
    {
      ...once,
      schema: {
        tags,
        headers: idempotencyHeader,
        params: IdParams,
        body: Type.Object(
          {
            kind: Type.Union([Type.Literal('reply'), Type.Literal('note')]),
            text: Text,
            html: Type.Optional(Text),
            cc: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 })),
            bcc: Type.Optional(Type.Array(Type.String({ maxLength: 320 }), { maxItems: 50 })),
            attachmentIds: Type.Optional(AttachmentIds),
            status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('pending'), Type.Literal('resolved')])),
            template: Type.Optional(
              Type.Object(
                { name: Type.String({ minLength: 1, maxLength: 512 }), language: Type.String({ minLength: 2, maxLength: 16 }) },
                { additionalProperties: false, description: 'An approved WhatsApp template, for replies outside the 24-hour window; text may then be empty.' },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: withErrors({ 201: Type.Object({ message: MessageSchema, ticket: TicketSchema }) }, 400, 401, 404, 409, 422),
      },
    },
    async (request, reply) => reply.code(201).send(await postMessage(ctx, agentOf(request), request.params.id, request.body)),
  );

  app.patch(
    '/tickets/:id',
    { schema: { tags, params: IdParams, body: PatchBody, response: withErrors({ 200: Type.Object({ ticket: TicketSchema }) }, 400, 401, 404) } },
    async (request) => {
      const { snoozedUntil, ...rest } = request.body;
      const ticket = await updateTicket(ctx, agentOf(request), request.params.id, {
        ...rest,
        snoozedUntil: parseTime('snoozedUntil', snoozedUntil),
      });
      return { ticket };
    },
  );

  app.post(
    '/tickets/:id/merge',
    {
      schema: {
        tags,
        params: IdParams,
        body: Type.Object({ intoTicketId: Id }, { additionalProperties: false }),
        response: withErrors({ 200: Type.Object({ ticket: TicketSchema }) }, 400, 401, 404),
      },
    },
    async (request) => ({ ticket: await mergeTickets(ctx, agentOf(request), request.params.id, request.body.intoTicketId) }),
  );

  app.post(
    '/tickets/bulk',
    { schema: { tags, body: BulkBody, response: withErrors({ 200: Type.Object({ updated: Type.Integer() }) }, 400, 401) } },
    async (request) => ({ updated: await bulkUpdate(ctx, agentOf(request), request.body.ids, request.body.changes) }),
  );
};
