import { Type, type Static } from '@sinclair/typebox';

export const ApiInboundSchema = Type.Object(
  {
    messageId: Type.String({ minLength: 1, maxLength: 200, description: 'your id for the message: a repeat is stored once' }),
    sender: Type.Object(
      {
        id: Type.String({ minLength: 1, maxLength: 200, description: 'your id for the customer' }),
        name: Type.Optional(Type.String({ maxLength: 200 })),
        email: Type.Optional(Type.String({ maxLength: 320, pattern: '^[^\\s@]+@[^\\s@]+$' })),
        phone: Type.Optional(Type.String({ maxLength: 40 })),
      },
      { additionalProperties: false },
    ),
    text: Type.String({ maxLength: 100_000 }),
    threadKey: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'your conversation id; defaults to one conversation per sender' })),
    attachments: Type.Optional(
      Type.Array(
        Type.Object(
          {
            url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
            filename: Type.Optional(Type.String({ maxLength: 200 })),
            contentType: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
  },
  { additionalProperties: false },
);

export type ApiInbound = Static<typeof ApiInboundSchema>;

export const ApiInboundResultSchema = Type.Object({
  ticketId: Type.Integer(),
  messageId: Type.Integer({ description: "Kefu's id of the stored message" }),
  created: Type.Boolean({ description: 'false when this messageId was received before: nothing changed' }),
});

/** What an agent's reply POSTed to callback_url looks like. */
export interface ApiCallbackPayload {
  event: 'message.created';
  channel: string;
  ticketId: number;
  ticketNumber: number;
  threadKey: string | null;
  messageId: number;
  recipient: { id: string | null };
  author: { name: string };
  text: string;
  attachments: Array<{ filename: string; contentType: string; size: number; contentBase64: string }>;
  createdAt: string;
}

export const ApiStatusSchema = Type.Object(
  {
    messageId: Type.Integer({ minimum: 1, description: 'the messageId of the reply, as POSTed to callback_url' }),
    status: Type.Union([Type.Literal('delivered'), Type.Literal('failed')]),
    error: Type.Optional(Type.String({ maxLength: 500, description: 'why it failed, shown to the agent' })),
  },
  { additionalProperties: false },
);

export type ApiStatus = Static<typeof ApiStatusSchema>;
