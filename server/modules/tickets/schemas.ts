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
});
export type TicketView = Static<typeof TicketSchema>;

export const MessageSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  kind: literals(['inbound', 'outbound', 'note', 'system', 'bot'] as const),
  author: Type.Object({
    kind: literals(['contact', 'agent', 'bot', 'system'] as const),
    id: Type.Optional(Type.Integer()),
    name: Type.String(),
  }),
  text: Type.String(),
  html: Nullable(Type.String()),
  attachments: Type.Array(AttachmentSchema),
  delivery: Nullable(
    Type.Object({
      status: literals(['queued', 'sent', 'delivered', 'failed'] as const),
      error: Type.Optional(Type.String()),
    }),
  ),
  mentions: Type.Array(Type.Integer()),
  meta: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
export type MessageView = Static<typeof MessageSchema>;
