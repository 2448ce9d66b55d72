import { Type, type Static } from '@sinclair/typebox';
import { sql } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { parseJsonObject } from '../tickets/json.js';
import type { AssignmentMode } from './tables.js';

/** Chats need someone there now; every other kind of channel is handled like email here. */
export type ChannelClass = 'chat' | 'email';
export const channelClass = (channelKind: string): ChannelClass => (channelKind === 'email' ? 'email' : 'chat');

const Seconds = (max: number) => Type.Integer({ minimum: 0, maximum: max });

export const AssignmentModeSchema = Type.Union([Type.Literal('off'), Type.Literal('round_robin'), Type.Literal('least_loaded')]);

export const AssignmentSettingsSchema = Type.Object({
  mode: AssignmentModeSchema,
  /** channel kinds (widget, email, ...) it applies to */
  channels: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 20 }),
  /** most open tickets an agent carries at once, per class of channel */
  capacity: Type.Object({ chat: Type.Integer({ minimum: 0, maximum: 1000 }), email: Type.Integer({ minimum: 0, maximum: 10000 }) }),
  onlineOnlyForChat: Type.Boolean(),
  /** email may also go to agents who set themselves away */
  emailToAway: Type.Boolean(),
  skillsFallbackSeconds: Seconds(86_400),
  stickyDays: Type.Integer({ minimum: 0, maximum: 365 }),
  pickupSeconds: Seconds(86_400),
  awayGraceSeconds: Seconds(86_400),
});
export type AssignmentSettings = Static<typeof AssignmentSettingsSchema>;

/** A PATCH: any subset, capacity per class too. */
export const AssignmentPatchSchema = Type.Partial(
  Type.Object({
    ...AssignmentSettingsSchema.properties,
    capacity: Type.Partial(AssignmentSettingsSchema.properties.capacity, { additionalProperties: false }),
  }),
  { additionalProperties: false },
);
export type AssignmentPatch = Static<typeof AssignmentPatchSchema>;

export const DEFAULT_SETTINGS: AssignmentSettings = {
  mode: 'off',
  channels: ['widget', 'email'],
  capacity: { chat: 5, email: 30 },
  onlineOnlyForChat: true,
  emailToAway: false,
  skillsFallbackSeconds: 60,
  stickyDays: 7,
  pickupSeconds: 60,
  awayGraceSeconds: 120,
};

/** The team whose settings apply: 0 stands for tickets without a team. */
export const teamKey = (teamId: number | null): number => teamId ?? 0;

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const int = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);

/** Stored JSON back to settings; anything missing or odd takes the default, so old rows keep working. */
export function readSettings(mode: AssignmentMode, json: string): AssignmentSettings {
  const o = parseJsonObject(json);
  const cap = (o.capacity && typeof o.capacity === 'object' ? o.capacity : {}) as Record<string, unknown>;
  const d = DEFAULT_SETTINGS;
  return {
    mode,
    channels: isStrings(o.channels) ? o.channels : d.channels,
    capacity: { chat: int(cap.chat, d.capacity.chat), email: int(cap.email, d.capacity.email) },
    onlineOnlyForChat: bool(o.onlineOnlyForChat, d.onlineOnlyForChat),
    emailToAway: bool(o.emailToAway, d.emailToAway),
    skillsFallbackSeconds: int(o.skillsFallbackSeconds, d.skillsFallbackSeconds),
    stickyDays: int(o.stickyDays, d.stickyDays),
    pickupSeconds: int(o.pickupSeconds, d.pickupSeconds),
    awayGraceSeconds: int(o.awayGraceSeconds, d.awayGraceSeconds),
  };
}

export function mergeSettings(current: AssignmentSettings, patch: AssignmentPatch): AssignmentSettings {
  const { capacity, ...rest } = patch;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<AssignmentSettings>;
  return {
    ...current,
    ...defined,
    capacity: { chat: capacity?.chat ?? current.capacity.chat, email: capacity?.email ?? current.capacity.email },
    channels: defined.channels ? [...new Set(defined.channels.map((c) => c.trim()).filter((c) => c !== ''))] : current.channels,
  };
}

export async function loadSettings(db: DbOrTx, teamId: number | null): Promise<AssignmentSettings> {
  // Read on every decision: a plain statement, no query builder.
  const { rows } = await sql<{ mode: AssignmentMode; settings: string }>`select mode, settings from assignment_settings where team_id = ${teamKey(teamId)}`.execute(db);
  const row = rows[0];
  return row ? readSettings(row.mode, row.settings) : { ...DEFAULT_SETTINGS };
}

export async function loadAllSettings(db: DbOrTx): Promise<Map<number, AssignmentSettings>> {
  const rows = await db.selectFrom('assignment_settings').select(['team_id', 'mode', 'settings']).execute();
  return new Map(rows.map((r) => [r.team_id, readSettings(r.mode, r.settings)]));
}

export async function saveSettings(db: DbOrTx, teamId: number | null, settings: AssignmentSettings, at: number): Promise<void> {
  const { mode, ...rest } = settings;
  await db
    .insertInto('assignment_settings')
    .values({ team_id: teamKey(teamId), mode, settings: JSON.stringify(rest), updated_at: at })
    .onConflict((oc) => oc.column('team_id').doUpdateSet({ mode, settings: JSON.stringify(rest), updated_at: at }))
    .execute();
}
