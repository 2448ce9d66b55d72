import { Type, type Static } from '@sinclair/typebox';

/**
 * A business's own app or backend talking to Kefu: it POSTs customer messages signed with
 * `secret` and receives agents' replies at `callback_url`, signed the same way.
 */
export const ApiChannelSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64 }),
    /** or `secret_file`; at least 16 characters: it is all that stands between the internet and the inbox */
    secret: Type.String({ minLength: 16 }),
    callback_url: Type.String({ pattern: '^https?://[^\\s]+$' }),
  },
  { additionalProperties: false },
);

export type ApiChannelConfig = Static<typeof ApiChannelSchema>;
