import { Type, type Static, type TLiteral, type TSchema, type TUnion } from '@sinclair/typebox';
import { AttachmentSchema } from '../attachments/schemas.js';
import { ContactSummarySchema } from '../contacts/schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const literals = <const T extends readonly string[]>(values: T): TUnion<Array<TLiteral<T[number]>>> =>
  Type.Union(values.map((v) => Type.Literal(v)));

export const TICKET_STATUSES = ['open', 'pending', 'snoozed', 'resolved', 'closed'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TicketStatusSchema = literals(TICKET_STATUSES);
export const TicketPrioritySchema = literals(TICKET_PRIORITIES);

const Ref = Type.Object({ id: Type.Integer(), name: Type.String() });

export const TicketSchema = Type.Object({
  id: Type.Integer(),
  number: Type.Integer(),
  subject: Type.String(),
  status: TicketStatusSchema,
  snoozedUntil: Nullable(Type.String()),
  priority: TicketPrioritySchema,
  channel: Type.Object({ kind: Type.String(), name: Type.String() }),
  contact: ContactSummarySchema,
  assignee: Nullable(Ref),
  team: Nullable(Ref),
  labels: Type.Array(Type.String()),
  customFields: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastActivityAt: Type.String(),
  firstResponseAt: Nullable(Type.String()),
  resolvedAt: Nullable(Type.String()),
  reopenCount: Type.Integer(),
  lastMessage: Nullable(Type.Object({ preview: Type.String(), kind: Type.String(), at: Type.String() })),
  unread: Type.Boolean(),
  messageCount: Type.Integer(),
  mergedIntoId: Nullable(Type.Integer()),
  bot: Type.Object(
    {
      active: Type.Boolean({ description: 'the answer bot is handling the chat; assignment waits' }),
      deflected: Type.Boolean({ description: 'the visitor said the bot solved it before any agent wrote' }),
    },
    { description: 'the answer bot on a widget chat' },
  ),
  slaClock: Nullable(
    Type.Object(
      {
        dueAt: Type.String({ description: 'the soonest due time of a running SLA clock' }),
        warnAt: Nullable(Type.String()),
        breached: Type.Boolean(),
      },
      { description: 'what the list badge counts down to; null when no SLA clock runs' },
    ),
  ),
});
export type TicketView = Static<typeof TicketSchema>;

export const ReplyChannelSchema = Type.Object(
  { kind: Type.String(), name: Type.String(), available: Type.Boolean() },
  { description: 'The channel a reply goes out on; available is false when it is not configured or cannot send, so a reply would never leave.' },
);

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  kind: literals(['inbound', 'outbound', 'note', 'system', 'bot'] as const),
  author: Type.Object({
    kind: literals(['contact', 'agent', 'bot', 'system'] as const),
    id: Type.Optional(Type.Integer()),
    name: Type.String(),
  }),
  /** The channel the message came in or went out on; after a merge it can differ from the ticket's. */
  channel: Type.Object({ kind: Type.String(), name: Type.String() }),
  text: Type.String(),
  html: Nullable(Type.String()),
  attachments: Type.Array(AttachmentSchema),
  delivery: Nullable(
    Type.Object({
      status: literals(['queued', 'sent', 'delivered', 'read', 'failed'] as const),
      error: Type.Optional(Type.String()),
    }),
  ),
  mentions: Type.Array(Type.Integer()),
  meta: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
export type MessageView = Static<typeof MessageSchema>;

const Change = <F extends string, P extends Record<string, TSchema>>(field: F, props: P) =>
  Type.Object({ field: Type.Literal(field), ...props });
const NamedRef = Type.Object({ id: Type.Integer(), name: Nullable(Type.String({ description: 'null once the agent or team is gone' })) });

/** One changed field of a timeline event; `from`/`to` are the values before and after. */
export const TimelineChangeSchema = Type.Union([
  Change('status', { from: Nullable(TicketStatusSchema), to: TicketStatusSchema }),
  Change('snoozedUntil', { from: Nullable(Type.String()), to: Nullable(Type.String()) }),
  Change('priority', { from: Nullable(TicketPrioritySchema), to: TicketPrioritySchema }),
  Change('assignee', { from: Nullable(NamedRef), to: Nullable(NamedRef) }),
  Change('team', { from: Nullable(NamedRef), to: Nullable(NamedRef) }),
  Change('labels', { added: Type.Array(Type.String()), removed: Type.Array(Type.String()) }),
  Change('subject', { from: Type.String(), to: Type.String() }),
  Change('rule', { actions: Type.Array(Type.String({ description: 'rule action types that change no field: add_note, auto_reply, email_agents, webhook, run_assignment' })) }),
]);
export type TimelineChange = Static<typeof TimelineChangeSchema>;

/**
 * A change to the ticket shown in its timeline as a system line (assigned, status, priority, labels...),
 * read from the audit log: it is not a message, so it never counts as one or marks a ticket unread.
 */
export const TimelineEventSchema = Type.Object({
  id: Type.Integer({ description: 'the audit line; later changes have larger ids' }),
  ticketId: Type.Integer(),
  kind: literals(['updated', 'reopened'] as const),
  actor: Type.Object({
    kind: literals(['agent', 'contact', 'system', 'automation'] as const),
    id: Nullable(Type.Integer()),
    name: Nullable(Type.String({ description: 'the agent, contact or rule; null for the system' })),
  }),
  changes: Type.Array(TimelineChangeSchema, { minItems: 1 }),
  at: Type.String(),
});
export type TimelineEventView = Static<typeof TimelineEventSchema>;

/** The customer's rating (CSAT), 1–5, from the widget after a chat or from an emailed survey. */
export const CsatSchema = Type.Object({
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  comment: Type.Union([Type.String(), Type.Null()]),
  /** the same as ratedAt; kept for clients written before ratedAt */
  at: Type.String(),
  scale: Type.Union([Type.Literal('1-5'), Type.Literal('faces')], { description: "'faces' offered 😞😐😀, stored as 1, 3 and 5" }),
  source: Type.Union([Type.Literal('widget'), Type.Literal('email')]),
  ratedAt: Type.String(),
});
export type CsatView = Static<typeof CsatSchema>;
