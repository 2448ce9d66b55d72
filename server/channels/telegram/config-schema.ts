import { Type, type Static } from '@sinclair/typebox';

export const TELEGRAM_API = 'https://api.telegram.org';

/** A Telegram bot: customers write to it, agents answer through it. */
export const TelegramChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    /** from @BotFather, `<bot id>:<secret>`; or `bot_token_file` */
    bot_token: Type.String({ pattern: '^\\d+:[A-Za-z0-9_-]+$' }),
    /** sent back by Telegram on every webhook call (setWebhook `secret_token`): 1-256 of A-Z a-z 0-9 _ - */
    webhook_secret: Type.String({ pattern: '^[A-Za-z0-9_-]{1,256}$' }),
    api_base_url: Type.String({ pattern: '^https?://[^\\s]+[^/\\s]$', default: TELEGRAM_API }),
  },
  { additionalProperties: false },
);

export type TelegramChannelConfig = Static<typeof TelegramChannelSchema>;
