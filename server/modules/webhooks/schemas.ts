import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { ContactSchema } from '../contacts/schemas.js';
import { MessageSchema, TicketSchema } from '../tickets/schemas.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** What a webhook may subscribe to. csat.received is accepted before anything emits it, so subscriptions can be set up ahead. */
export const WEBHOOK_EVENTS = ['ticket.created', 'ticket.updated', 'message.created', 'contact.created', 'sla.breached', 'csat.received'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent by "Send test"; nobody subscribes to it. */
export const PING_EVENT = 'ping';

export const PAYLOAD_VERSION = 1;

const EventName = Type.Union(WEBHOOK_EVENTS.map((e) => Type.Literal(e)));
const Url = Type.String({ pattern: '^https?://', maxLength: 2000, description: 'http(s) URL Kefu POSTs each event to' });

export const WebhookSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  description: Type.String(),
  events: Type.Array(EventName),
  enabled: Type.Boolean(),
  /** why Kefu turned it off; null when on, or turned off by an admin */
  disabledReason: Nullable(Type.String()),
  failingSince: Nullable(Type.String({ description: 'start of the current run of failed attempts' })),
  secret: Type.Optional(Type.String({ description: 'the HMAC-SHA256 key: only in the answers to create, reveal and rotate' })),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type WebhookView = Static<typeof WebhookSchema>;

export const WebhookCreateSchema = Type.Object(
  {
    url: Url,
    events: Type.Array(EventName, { minItems: 1, uniqueItems: true }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type WebhookInput = Static<typeof WebhookCreateSchema>;

export const WebhookPatchSchema = Type.Partial(WebhookCreateSchema, { additionalProperties: false });
export type WebhookPatch = Static<typeof WebhookPatchSchema>;

export const DeliveryStatusSchema = Type.Union(['pending', 'retrying', 'delivered', 'failed'].map((s) => Type.Literal(s)));

export const AttemptSchema = Type.Object({
  attempt: Type.Integer({ minimum: 1 }),
  ok: Type.Boolean(),
  responseCode: Nullable(Type.Integer({ description: 'null when no answer came (refused, timed out, blocked address)' })),
  durationMs: Type.Integer(),
  error: Nullable(Type.String()),
  at: Type.String(),
});

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'the payload id and X-Kefu-Delivery header' }),
  event: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Integer(),
  responseCode: Nullable(Type.Integer()),
  durationMs: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  attemptLog: Type.Array(AttemptSchema, { description: 'every attempt, oldest first' }),
});
export type DeliveryView = Static<typeof DeliverySchema>;

/**
 * The JSON body of every delivery (version 1). Signed: X-Kefu-Signature is
 * `sha256=` + hex HMAC-SHA256(secret, `<X-Kefu-Timestamp>.<raw body>`).
 */
export const WebhookPayloadSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'the delivery id; the same on every retry and redelivery' }),
    event: Type.Union([EventName, Type.Literal(PING_EVENT)]),
    version: Type.Literal(PAYLOAD_VERSION),
    createdAt: Type.String({ description: 'when the event happened (ISO 8601)' }),
    data: Type.Union([
      Type.Object({ ticket: TicketSchema }, { title: 'ticket.created' }),
      Type.Object({ ticket: TicketSchema, changes: Type.Array(Type.String()) }, { title: 'ticket.updated' }),
      Type.Object({ message: MessageSchema, ticket: TicketSchema }, { title: 'message.created' }),
      Type.Object({ contact: ContactSchema }, { title: 'contact.created' }),
      Type.Object(
        { ticket: TicketSchema, target: Type.String(), dueAt: Nullable(Type.String()), policy: Nullable(Type.String()) },
        { title: 'sla.breached' },
      ),
      Type.Object(
        {
          ticketId: Type.Integer(),
          contactId: Nullable(Type.Integer()),
          score: Type.Integer({ minimum: 1, maximum: 5 }),
          scale: Type.Union([Type.Literal('1-5'), Type.Literal('faces')]),
          comment: Nullable(Type.String()),
          source: Type.Union([Type.Literal('widget'), Type.Literal('email')]),
          ratedAt: Type.String(),
        },
        { title: 'csat.received', description: 'fired when a rating is recorded, and again when a comment is added to an emailed rating' },
      ),
      Type.Object({ webhook: Type.Object({ id: Type.Integer(), url: Type.String(), events: Type.Array(Type.String()) }) }, { title: 'ping' }),
    ]),
  },
  { description: 'What Kefu POSTs to a webhook URL (payload version 1).' },
);
export type WebhookPayload = Static<typeof WebhookPayloadSchema>;
