import { Type, type Static } from '@sinclair/typebox';

const TemplateSchema = Type.Object(
  {
    /** The template's name as approved in WhatsApp Manager. */
    name: Type.String({ pattern: '^[a-z0-9_]+$', maxLength: 512 }),
    /** Its language code there (en_US, zh_CN, zh_HK...). */
    language: Type.String({ pattern: '^[a-z]{2,3}(_[A-Za-z]{2,4})?$' }),
  },
  { additionalProperties: false },
);

export const WhatsAppChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    phone_number_id: Type.String({ pattern: '^[0-9]+$' }),
    /** A system user's permanent token; access_token_file reads it from a file. */
    access_token: Type.String({ minLength: 1 }),
    /** Signs every webhook POST (X-Hub-Signature-256); app_secret_file reads it from a file. */
    app_secret: Type.String({ minLength: 1 }),
    /** What the webhook verification GET must present as hub.verify_token. */
    verify_token: Type.String({ minLength: 1 }),
    api_base_url: Type.String({ pattern: '^https?://', default: 'https://graph.facebook.com/v21.0' }),
    /** Approved message templates agents may send once the 24-hour window has closed. */
    templates: Type.Array(TemplateSchema, { default: [] }),
  },
  { additionalProperties: false },
);

export type WhatsAppChannelConfig = Static<typeof WhatsAppChannelSchema>;
