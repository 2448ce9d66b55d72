import { Type, type Static } from '@sinclair/typebox';

export const AttachmentSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  url: Type.String(),
});
export type AttachmentView = Static<typeof AttachmentSchema>;
