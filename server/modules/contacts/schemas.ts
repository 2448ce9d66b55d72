import { Type, type Static } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const IdentitySchema = Type.Object({ kind: Type.String(), value: Type.String() });

export const ContactSummarySchema = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
});
export type ContactSummaryView = Static<typeof ContactSummarySchema>;

export const ContactSchema = Type.Object({
  id: Type.Integer(),
  name: Nullable(Type.String()),
  email: Nullable(Type.String()),
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
