import { Type, type Static } from '@sinclair/typebox';
import { ApiChannelSchema } from '../channels/api/config-schema.js';
import { EmailChannelSchema } from '../channels/email/config-schema.js';
import { TelegramChannelSchema } from '../channels/telegram/config-schema.js';
import { WidgetChannelSchema } from '../channels/widget/config-schema.js';
import { WechatChannelSchema } from '../channels/wechat/config-schema.js';
import { WhatsAppChannelSchema } from '../channels/whatsapp/config-schema.js';
import { TwilioChannelSchema } from '../channels/twilio/config-schema.js';

const strict = { additionalProperties: false } as const;

export const LogLevel = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '0.0.0.0' }),
        port: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
        /**
         * The address customers and agents use; links in emails and the widget snippet start with it.
         * Left out, it is derived from host and port (http://localhost:PORT when listening on every address).
         */
        public_url: Type.Optional(Type.String({ pattern: '^https?://' })),
        /**
         * Which X-Forwarded-For hops to believe: false, a hop count, or proxy addresses/CIDRs.
         * `true` is read as 1 hop: trusting every hop would let a client pick its own IP.
         */
        trust_proxy: Type.Union(
          [
            Type.Boolean(),
            Type.Integer({ minimum: 0 }),
            Type.String({ minLength: 1 }),
            Type.Array(Type.String({ minLength: 1 }), { minItems: 1 }),
          ],
          { default: false, description: 'false, a hop count (e.g. 1) or proxy IP addresses/CIDRs' },
        ),
        body_limit_mb: Type.Number({ exclusiveMinimum: 0, maximum: 200, default: 1 }),
      },
      { ...strict, default: {} },
    ),
    data_dir: Type.String({ minLength: 1, default: './data' }),
    database: Type.Object(
      {
        /** sqlite (one file under data_dir, the default) or postgres (database.url). */
        driver: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')], { default: 'sqlite' }),
        /**
         * postgres://user:password@host:port/database; a secret (url_file or ${ENV} work). Checked in
         * load.ts rather than by a pattern here, so a rejected value is never echoed with its password.
         */
        url: Type.Optional(Type.String()),
        /** PostgreSQL connections this process keeps open at most. */
        pool_size: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
        /** With several processes: how long an agent connected to a process that died still counts as online. */
        presence_timeout_s: Type.Integer({ minimum: 3, maximum: 600, default: 30 }),
        /** SQLite page cache, grown only as pages are read; beyond the operating system's file cache. The search index gets half as much again. */
        cache_mb: Type.Integer({ minimum: 2, maximum: 16384, default: 32 }),
      },
      { ...strict, default: {} },
    ),
    log: Type.Object({ level: LogLevel }, { ...strict, default: { level: 'info' } }),
    security: Type.Object(
      {
        session_days: Type.Integer({ minimum: 1, maximum: 365, default: 14 }),
        login_attempts_per_15min: Type.Integer({ minimum: 1, maximum: 1000, default: 10 }),
        /** When true, agents see every ticket, not only their teams', unassigned and their own. */
        agents_see_all_tickets: Type.Boolean({ default: false }),
        /** Secure cookies need HTTPS; defaults to true when public_url is https. */
        secure_cookies: Type.Optional(Type.Boolean()),
      },
      { ...strict, default: {} },
    ),
    attachments: Type.Object(
      { max_size_mb: Type.Number({ exclusiveMinimum: 0, maximum: 500, default: 25 }) },
      { ...strict, default: {} },
    ),
    backup: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        /** cron expression, server time zone */
        schedule: Type.String({ minLength: 9, default: '30 3 * * *' }),
        keep: Type.Integer({ minimum: 1, maximum: 365, default: 7 }),
        /** PostgreSQL only: the directory holding pg_dump and pg_restore; unset, PATH then /usr/lib/postgresql/<newest>/bin. */
        postgres_bin: Type.Optional(Type.String({ minLength: 1, pattern: '^/' })),
      },
      { ...strict, default: {} },
    ),
    storage: Type.Object(
      {
        /** Below this much free space under data_dir, /readyz reports the disk check failing. */
        min_free_mb: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 500 }),
      },
      { ...strict, default: {} },
    ),
    webhooks: Type.Object(
      {
        /**
         * Outbound webhooks (and rule webhook actions) refuse loopback, link-local and private addresses,
         * so an admin's URL cannot reach services behind the firewall; true opens them (an intranet receiver).
         */
        allow_private_networks: Type.Boolean({ default: false }),
      },
      { ...strict, default: {} },
    ),
    /** The public help center at /help. */
    help_center: Type.Object(
      {
        /** Shown in the header and the page titles; "Help center" (translated) when absent. */
        title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
        /** Header and link colour, as #rrggbb. */
        brand_color: Type.String({ pattern: '^#[0-9a-fA-F]{6}$', default: '#2563eb' }),
        /** An https (or site-relative) image URL for the header logo. */
        logo_url: Type.Optional(Type.String({ pattern: '^(https://|/)[^\\s"<>]+$', maxLength: 500 })),
        /** Where "Still need help?" leads: a contact page, a page with the chat widget, or mailto:. */
        contact_url: Type.Optional(Type.String({ pattern: '^(https?://|mailto:|/)[^\\s"<>]+$', maxLength: 500 })),
      },
      { ...strict, default: {} },
    ),
    /**
     * Optional AI drafting: an OpenAI-compatible chat-completions endpoint. Absent, nothing about AI
     * shows in the agent app and its routes answer 404.
     */
    ai: Type.Optional(
      Type.Object(
        {
          /** The API root, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1; /chat/completions is appended. */
          base_url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 500 }),
          model: Type.String({ minLength: 1, maxLength: 200 }),
          /** Sent as a Bearer token; a local server may need none. Prefer api_key_file or ${ENV}. */
          api_key: Type.Optional(Type.String({ minLength: 1 })),
          /** Named in the prompt as the business the agent writes for; help_center.title when unset. */
          business_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          /** A draft or summary still streaming after this long is cut off. */
          timeout_seconds: Type.Integer({ minimum: 5, maximum: 600, default: 60 }),
          /** Knowledge-base articles the draft is grounded in. */
          max_articles: Type.Integer({ minimum: 0, maximum: 10, default: 3 }),
          /** The ticket's most recent messages the prompt carries. */
          max_messages: Type.Integer({ minimum: 1, maximum: 200, default: 20 }),
        },
        strict,
      ),
    ),
    channels: Type.Object(
      {
        email: Type.Array(EmailChannelSchema, { default: [] }),
        widget: Type.Array(WidgetChannelSchema, { default: [] }),
        wechat: Type.Array(WechatChannelSchema, { default: [] }),
        whatsapp: Type.Array(WhatsAppChannelSchema, { default: [] }),
        twilio: Type.Array(TwilioChannelSchema, { default: [] }),
        api: Type.Array(ApiChannelSchema, { default: [] }),
        telegram: Type.Array(TelegramChannelSchema, { default: [] }),
      },
      { ...strict, default: {} },
    ),
  },
  strict,
);

export type ConfigFile = Static<typeof ConfigSchema>;

/** trust_proxy after loading: `true` became 1 and a comma-separated string became a list. */
export type TrustProxy = false | number | string[];

export interface Config extends ConfigFile {
  readonly server: Omit<ConfigFile['server'], 'trust_proxy' | 'public_url'> & { trust_proxy: TrustProxy; public_url: string };
  /** Where the config came from, or null when running on defaults. */
  readonly config_path: string | null;
  /** From KEFU_ADMIN_EMAIL / KEFU_ADMIN_PASSWORD: creates the first admin when none exists. */
  readonly first_admin: { email: string; password: string } | null;
}
