import { Type, type Static } from '@sinclair/typebox';
import { httpUrlOrNull } from './avatar.js';
import type { PresenceRegistry } from '../../realtime/presence.js';
import type { AgentRow } from './queries.js';
import type { ApiTokenRow, ApiTokenWithOwner } from './tokens.js';

export const RoleSchema = Type.Union([Type.Literal('admin'), Type.Literal('supervisor'), Type.Literal('agent')]);
export const LanguageSchema = Type.Union([Type.Literal('en'), Type.Literal('zh-CN'), Type.Literal('zh-TW')]);
export const PresenceSchema = Type.Union([Type.Literal('online'), Type.Literal('away'), Type.Literal('offline')]);

export const AgentSchema = Type.Object({
  id: Type.Integer(),
  email: Type.String(),
  name: Type.String(),
  role: RoleSchema,
  language: Type.String(),
  timezone: Type.Union([Type.String(), Type.Null()]),
  avatarUrl: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  presence: PresenceSchema,
  preferences: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
});
export type AgentView = Static<typeof AgentSchema>;

export const ApiTokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  createdAt: Type.String(),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));

function parsePreferences(json: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function presentAgent(row: AgentRow, presence: PresenceRegistry): AgentView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    language: row.language,
    timezone: row.timezone,
    // Rows written before avatars were checked may hold anything.
    avatarUrl: httpUrlOrNull(row.avatar_url),
    active: row.active === 1,
    presence: row.active === 1 ? presence.get(row.id) : 'offline',
    preferences: parsePreferences(row.preferences),
    createdAt: iso(row.created_at),
  };
}

export const presentApiToken = (row: ApiTokenRow) => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: iso(row.created_at),
  lastUsedAt: isoOrNull(row.last_used_at),
  revokedAt: isoOrNull(row.revoked_at),
});

export const AdminApiTokenSchema = Type.Composite([
  ApiTokenSchema,
  Type.Object({ agent: Type.Object({ id: Type.Integer(), name: Type.String(), email: Type.String() }) }),
]);

export const presentAdminApiToken = (row: ApiTokenWithOwner) => ({
  ...presentApiToken(row),
  agent: { id: row.agent_id, name: row.owner_name, email: row.owner_email },
});
