import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { WidgetConfigView, WidgetMessageView, WidgetSessionView } from './protocol.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Lang = Type.Union([Type.Literal('en'), Type.Literal('zh-CN'), Type.Literal('zh-TW')]);

export const ChannelParams = Type.Object({ channel: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }) });
export const ConversationParams = Type.Object({
  channel: ChannelParams.properties.channel,
  id: Type.String({ pattern: '^c_[A-Za-z0-9_-]{1,40}$' }),
});
export const FileParams = Type.Object({
  channel: ChannelParams.properties.channel,
  id: Type.Integer({ minimum: 1 }),
  name: Type.String({ maxLength: 255 }),
});
export const FileQuery = Type.Object({ sig: Type.String({ pattern: '^[0-9a-f]{32}$' }) });

export const WidgetConfigSchema = Type.Object({
  channel: Type.String(),
  displayName: Type.Record(Type.String(), Type.String()),
  title: Nullable(Type.String()),
  titles: Nullable(Type.Record(Type.String(), Type.String())),
  brandColor: Type.String(),
  logoUrl: Nullable(Type.String()),
  greeting: Nullable(Type.String()),
  greetings: Nullable(Type.Record(Type.String(), Type.String())),
  prechatFields: Type.Array(
    Type.Object({
      field: Type.Union([Type.Literal('name'), Type.Literal('email'), Type.Literal('phone')]),
      required: Type.Boolean(),
    }),
  ),
  language: Type.Union([Type.Literal('auto'), Lang]),
  online: Type.Boolean(),
  offlineMode: Type.Union([Type.Literal('ask_email'), Type.Literal('hide')]),
  identityVerification: Type.Boolean(),
  transcript: Type.Boolean(),
  maxMessageChars: Type.Integer(),
  uploads: Type.Object({ maxBytes: Type.Integer(), types: Type.Array(Type.String()) }),
});

const Attachment = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});

export const WidgetMessageSchema = Type.Object({
  id: Type.Integer(),
  conversationId: Type.String(),
  clientId: Nullable(Type.String()),
  author: Type.Object({
    kind: Type.Union([Type.Literal('visitor'), Type.Literal('agent'), Type.Literal('system'), Type.Literal('bot')]),
    name: Nullable(Type.String()),
    avatarUrl: Nullable(Type.String()),
  }),
  text: Type.String(),
  attachments: Type.Array(Attachment),
  createdAt: Type.String(),
  /** On an answer bot message: what it offered, and whether its buttons still apply. */
  bot: Type.Optional(
    Type.Object({
      kind: Type.Union([Type.Literal('answer'), Type.Literal('offers'), Type.Literal('handoff'), Type.Literal('solved')]),
      articles: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String(), url: Type.String() })),
    }),
  ),
});

export const ConversationSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('open'), Type.Literal('ended')]),
  offline: Type.Boolean(),
  agentReadAt: Nullable(Type.String()),
  rated: Type.Boolean(),
});

export const SessionSchema = Type.Object({
  token: Type.String(),
  visitor: Type.Object({
    id: Type.String(),
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    identified: Type.Boolean(),
    emailVerified: Type.Boolean(),
  }),
  conversation: Nullable(ConversationSchema),
  online: Type.Boolean(),
});

const Email = Type.String({ format: 'email', maxLength: 254 });

export const SessionBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    email: Type.Optional(Email),
    phone: Type.Optional(Type.String({ pattern: '^[+0-9 ()./-]{3,32}$' })),
    /** the visitor's browser language (a BCP 47 tag such as zh-CN or fr-FR), kept on their contact */
    language: Type.Optional(Type.String({ pattern: '^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8}){0,3}$', maxLength: 35 })),
  },
  { additionalProperties: false },
);

export const IdentifyBody = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, description: "The host site's user id." }),
    hash: Type.String({
      pattern: '^[0-9a-fA-F]{64}$',
      description:
        "Hex HMAC-SHA256 with the channel's identity secret, computed by the host site's server: over `id + \"\\n\" + email` " +
        '(the email exactly as sent here) to prove both, or over `id` alone to prove the id only, the email then counting ' +
        'as typed by the visitor (not verified: no transcripts to it, not matched to the contact that owns it).',
    }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    email: Type.Optional(Email),
  },
  { additionalProperties: false },
);

export const SendBody = Type.Object(
  {
    clientId: Type.String({ pattern: '^[A-Za-z0-9_-]{8,64}$' }),
    // The channel's own, smaller limit is checked by the service with a clear message.
    text: Type.String({ maxLength: 100_000 }),
    uploadIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);

export const HistoryQuery = Type.Object({
  before: Type.Optional(Type.Integer({ minimum: 1 })),
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
});

export const RatingBody = Type.Object(
  { score: Type.Integer({ minimum: 1, maximum: 5 }), comment: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);

/** `email`, when given, must be the visitor's verified address; the transcript goes there either way. */
export const TranscriptBody = Type.Object({ email: Type.Optional(Email) }, { additionalProperties: false });

export const UploadSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
});

// The schemas are the output whitelist; these lines keep them in step with the wire types the web uses.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const schemaChecks: [
  Same<Static<typeof WidgetConfigSchema>, WidgetConfigView>,
  Same<Static<typeof WidgetMessageSchema>, WidgetMessageView>,
  Same<Static<typeof SessionSchema>, WidgetSessionView>,
] = [true, true, true];
