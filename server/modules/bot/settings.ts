import { Type, type Static } from '@sinclair/typebox';
import { now, type DbOrTx } from '../../db/database.js';
import type { BotSettingsTable } from './tables.js';

const Greetings = Type.Object(
  {
    en: Type.Optional(Type.String({ maxLength: 500 })),
    'zh-CN': Type.Optional(Type.String({ maxLength: 500 })),
    'zh-TW': Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const BotSettingsSchema = Type.Object({
  channel: Type.String({ description: 'The widget channel (declared in config.yaml).' }),
  enabled: Type.Boolean({ description: 'Off by default: the bot answers nothing.' }),
  threshold: Type.Number({
    minimum: 0.1,
    maximum: 1,
    description: 'Share of the visitor message (words and CJK bigrams) the best article’s title or alternative questions must cover for a direct answer.',
  }),
  maxOffers: Type.Integer({ minimum: 2, maximum: 3, description: 'Articles offered when no match is confident.' }),
  greetings: Greetings,
});
export type BotSettings = Static<typeof BotSettingsSchema>;

export const BotSettingsPatchSchema = Type.Partial(Type.Omit(BotSettingsSchema, ['channel']), { additionalProperties: false });
export type BotSettingsPatch = Static<typeof BotSettingsPatchSchema>;

const DEFAULTS = { enabled: false, threshold: 0.6, maxOffers: 3, greetings: {} } as const;

function greetingsOf(json: string): BotSettings['greetings'] {
  try {
    const v = JSON.parse(json) as Record<string, unknown>;
    const out: BotSettings['greetings'] = {};
    for (const k of ['en', 'zh-CN', 'zh-TW'] as const) if (typeof v[k] === 'string' && v[k] !== '') out[k] = v[k];
    return out;
  } catch {
    return {};
  }
}

const present = (row: BotSettingsTable): BotSettings => ({
  channel: row.channel,
  enabled: row.enabled === 1,
  threshold: row.threshold,
  maxOffers: row.max_offers,
  greetings: greetingsOf(row.greetings),
});

/** A channel nobody configured yet has the defaults: the bot off. */
export async function loadBotSettings(db: DbOrTx, channel: string): Promise<BotSettings> {
  const row = await db.selectFrom('bot_settings').selectAll().where('channel', '=', channel).executeTakeFirst();
  return row ? present(row) : { channel, ...DEFAULTS, greetings: {} };
}

export async function saveBotSettings(db: DbOrTx, channel: string, patch: BotSettingsPatch): Promise<{ before: BotSettings; after: BotSettings }> {
  const before = await loadBotSettings(db, channel);
  const after: BotSettings = { ...before, ...patch, channel, greetings: patch.greetings ?? before.greetings };
  const row = {
    channel,
    enabled: after.enabled ? 1 : 0,
    threshold: after.threshold,
    max_offers: after.maxOffers,
    greetings: JSON.stringify(after.greetings),
    updated_at: now(),
  };
  await db
    .insertInto('bot_settings')
    .values(row)
    .onConflict((oc) => oc.column('channel').doUpdateSet(row))
    .execute();
  return { before, after };
}
