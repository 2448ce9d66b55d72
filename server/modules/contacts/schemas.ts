import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const IdentitySchema = Type.Object({
  kind: Type.String(),
  value: Type.String(),
  /**
   * The channel's display name by language (`default` always set), where the value alone means nothing
   * to a person (a widget visitor id).
   */
  channelName: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export const ContactSummarySchema = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  /** E.164 when known: SMS and WhatsApp customers often have no name or email. */
  phone: Type.Optional(Nullable(Type.String())),
});
export type ContactSummaryView = Static<typeof ContactSummarySchema>;

export const ContactSchema = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
  /** false when the email is only what the customer typed into a chat form */
  emailVerified: Type.Boolean(),
  /** another contact whose proven identity is this unverified email: the one to merge into */
  emailOwner: Nullable(ContactSummarySchema),
  phone: Nullable(Type.String()),
  language: Nullable(Type.String()),
  attributes: Type.Record(Type.String(), Type.Unknown()),
  notes: Type.String(),
  identities: Type.Array(IdentitySchema),
  createdAt: Type.String(),
  lastSeenAt: Nullable(Type.String()),
  ticketCount: Type.Integer(),
});
export type ContactView = Static<typeof ContactSchema>;
