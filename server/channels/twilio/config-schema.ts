import { Type, type Static } from '@sinclair/typebox';

export const TwilioChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    account_sid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }),
    /** Signs webhooks and authenticates API calls; auth_token_file reads it from a file. */
    auth_token: Type.String({ minLength: 1 }),
    /** The sending number in E.164 (+15005550006), or a Messaging Service SID (MG...). */
    from: Type.String({ pattern: '^(\\+[1-9][0-9]{6,14}|MG[0-9a-fA-F]{32})$' }),
    api_base_url: Type.String({ pattern: '^https?://', default: 'https://api.twilio.com' }),
  },
  { additionalProperties: false },
);

export type TwilioChannelConfig = Static<typeof TwilioChannelSchema>;
