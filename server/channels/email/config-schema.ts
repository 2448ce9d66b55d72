import { Type, type Static } from '@sinclair/typebox';

const ImapSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 993 }),
    /** tls: implicit TLS (993); starttls: upgrade a plain connection; none: loopback/testing only. */
    security: Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')], { default: 'tls' }),
    user: Type.String({ minLength: 1 }),
    password: Type.String(),
    folder: Type.String({ default: 'INBOX' }),
    after_import: Type.Union([Type.Literal('seen'), Type.Literal('move'), Type.Literal('delete')], { default: 'seen' }),
    move_to: Type.Optional(Type.String({ minLength: 1 })),
    poll_interval_seconds: Type.Integer({ minimum: 5, maximum: 3600, default: 60 }),
    idle: Type.Boolean({ default: true }),
  },
  { additionalProperties: false },
);

const SmtpSchema = Type.Object(
  {
    host: Type.String({ minLength: 1 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    security: Type.Union([Type.Literal('tls'), Type.Literal('starttls'), Type.Literal('none')], { default: 'starttls' }),
    user: Type.Optional(Type.String()),
    password: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const EmailChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    address: Type.String({ format: 'email' }),
    display_name: Type.Optional(Type.String()),
    imap: Type.Optional(ImapSchema),
    smtp: Type.Optional(SmtpSchema),
    signature: Type.Optional(Type.String()),
    /**
     * Sent once per new ticket; {{ticket.number}}, {{ticket.subject}} and {{contact.name}} are filled
     * in. Never sent to auto-replies, bulk mail or bounces, and at most `max_per_sender_per_day`
     * times a day to one address, so two auto-responders cannot loop.
     */
    auto_acknowledge: Type.Optional(
      Type.Object(
        {
          subject: Type.String({ minLength: 1 }),
          body: Type.String({ minLength: 1 }),
          max_per_sender_per_day: Type.Integer({ minimum: 1, maximum: 100, default: 3 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * A ceiling on automatic mail (acknowledgements, auto-replies) over a sliding window, whatever
     * the recipient: a responder that changes its address on every mail is still stopped.
     */
    auto_mail_limits: Type.Object(
      {
        per_ticket: Type.Integer({ minimum: 1, maximum: 1000, default: 3 }),
        per_mailbox: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }),
        window_minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 10 }),
      },
      { additionalProperties: false, default: {} },
    ),
    /** Per-ticket reply addresses like support+t1042.<hmac>@example.com. */
    plus_addressing: Type.Boolean({ default: false }),
    /** Sends agents their assignment and @mention notifications from this mailbox (needs smtp). */
    agent_notifications: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

export type EmailChannelConfig = Static<typeof EmailChannelSchema>;
