import { Type, type Static } from '@sinclair/typebox';
import { localText } from './local-text.js';

const PrechatField = Type.Object(
  {
    field: Type.Union([Type.Literal('name'), Type.Literal('email'), Type.Literal('phone')]),
    required: Type.Boolean({ default: false }),
  },
  { additionalProperties: false },
);

const BusinessHours = Type.Object(
  {
    /** A business-hours calendar (id) managed in the admin screen; instead of timezone and days. */
    calendar: Type.Optional(Type.Integer({ minimum: 1 })),
    timezone: Type.String({ default: 'UTC' }),
    /** Keys mon..sun; value "09:00-18:00" or omitted for closed; "22:00-02:00" runs into the next morning. */
    days: Type.Partial(
      Type.Record(
        Type.Union(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => Type.Literal(d))),
        Type.String({ pattern: '^\\d{2}:\\d{2}-\\d{2}:\\d{2}$' }),
      ),
      { default: {} },
    ),
  },
  { additionalProperties: false },
);

/** Budgets per minute (per hour for transcripts); one IP may hide a whole office behind NAT, so its budget is larger. */
const RateLimits = Type.Object(
  {
    visitor_messages_per_minute: Type.Integer({ minimum: 1, maximum: 100_000, default: 30 }),
    ip_messages_per_minute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 300 }),
    ip_sessions_per_minute: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 30 }),
    visitor_uploads_per_minute: Type.Integer({ minimum: 1, maximum: 10_000, default: 10 }),
    /** Transcripts are mail from the support address: few per IP, and a ceiling for the whole channel. */
    ip_transcripts_per_hour: Type.Integer({ minimum: 1, maximum: 10_000, default: 5 }),
    channel_transcripts_per_hour: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 200 }),
  },
  { additionalProperties: false, default: {} },
);

export const WidgetChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    allowed_origins: Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
    brand_color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$', default: '#2563eb' }),
    logo_url: Type.Optional(Type.String()),
    /** How people see the channel (agents' contact panel, transcripts); the name when absent. */
    display_name: Type.Optional(localText(100)),
    /** Header title and first line a visitor sees: one text, or one per language ({ en, zh-CN, zh-TW }). */
    title: Type.Optional(localText(100)),
    greeting: Type.Optional(localText(1000)),
    prechat_fields: Type.Array(PrechatField, { default: [] }),
    business_hours: Type.Optional(BusinessHours),
    /** What the widget does outside business hours or with no agent online. */
    offline: Type.Union([Type.Literal('ask_email'), Type.Literal('hide')], { default: 'ask_email' }),
    /** When false, the widget only goes offline outside business hours, not when no agent is online. */
    offline_when_no_agent: Type.Boolean({ default: true }),
    default_language: Type.Union([Type.Literal('auto'), Type.Literal('en'), Type.Literal('zh-CN'), Type.Literal('zh-TW')], {
      default: 'auto',
    }),
    /** HMAC secret for Kefu.identify(); without it identify() is refused. */
    identity_secret: Type.Optional(Type.String({ minLength: 16 })),
    /** Email channel that sends offline answers and transcripts. */
    email_channel: Type.Optional(Type.String()),
    max_message_chars: Type.Integer({ minimum: 1, maximum: 100_000, default: 5000 }),
    max_upload_mb: Type.Number({ exclusiveMinimum: 0, maximum: 100, default: 10 }),
    /** Bytes a visitor, and one IP across its visitors, may hold in uploads not yet sent with a message. */
    unsent_upload_mb_per_visitor: Type.Number({ exclusiveMinimum: 0, maximum: 10_000, default: 30 }),
    unsent_upload_mb_per_ip: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, default: 100 }),
    /** Uploads not sent with a message within this many minutes are deleted. */
    unsent_upload_minutes: Type.Integer({ minimum: 1, maximum: 1440, default: 15 }),
    /** Uploads are refused (507) while the data directory's disk has less free space than this. */
    min_free_disk_mb: Type.Number({ minimum: 0, maximum: 1e12, default: 512 }),
    /** MIME types a visitor may upload; checked against the file's leading bytes, not its name. */
    upload_types: Type.Array(Type.String({ minLength: 3 }), {
      default: ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf', 'text/plain'],
    }),
    /** Visitor tokens older than this are refused and the visitor starts afresh. */
    token_days: Type.Integer({ minimum: 1, maximum: 3650, default: 365 }),
    rate_limits: RateLimits,
  },
  { additionalProperties: false },
);

export type WidgetChannelConfig = Static<typeof WidgetChannelSchema>;
