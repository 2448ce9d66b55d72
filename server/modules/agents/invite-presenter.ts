import { Type } from '@sinclair/typebox';
import { now } from '../../db/database.js';
import type { InviteRow } from './invites.js';
import { iso, LanguageSchema, RoleSchema } from './presenter.js';

export const InviteSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  role: RoleSchema,
  teamId: Type.Union([Type.Integer(), Type.Null()]),
  /** the language of the invitation mail and of the new agent */
  language: LanguageSchema,
  invitedBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  /** when the current link was made */
  sentAt: Type.String(),
  expiresAt: Type.String(),
  expired: Type.Boolean(),
});

export const IssuedInviteSchema = Type.Object({
  invite: InviteSchema,
  /** shown only now: the server keeps just a hash of it */
  link: Type.String(),
  /** false when no mailbox can send; hand the link over yourself */
  mailed: Type.Boolean(),
});

export const presentInvite = (row: InviteRow) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  teamId: row.team_id,
  language: row.language ?? 'en',
  invitedBy: row.invited_by,
  createdAt: iso(row.created_at),
  sentAt: iso(row.sent_at),
  expiresAt: iso(row.expires_at),
  expired: row.expires_at <= now(),
});
