import { Type, type Static } from '@sinclair/typebox';
import type { DbOrTx } from '../../db/database.js';
import { parseJsonObject } from '../tickets/json.js';
import type { CsatScale } from './tables.js';

export const SURVEY_LANGUAGES = ['en', 'zh-CN', 'zh-TW'] as const;
export type SurveyLanguage = (typeof SURVEY_LANGUAGES)[number];

const Question = Type.String({ maxLength: 300, description: 'replaces the built-in question in this language; empty for the built-in one' });

export const CsatSettingsSchema = Type.Object({
  enabled: Type.Boolean({ description: 'send surveys at all (off by default)' }),
  delayMinutes: Type.Integer({ minimum: 0, maximum: 43_200, description: 'how long after a ticket is resolved its survey is sent' }),
  scale: Type.Union([Type.Literal('1-5'), Type.Literal('faces')], { description: "'faces' offers 😞😐😀, stored as 1, 3 and 5" }),
  channels: Type.Array(Type.String({ minLength: 1, maxLength: 40 }), {
    maxItems: 20,
    description: 'channel kinds whose tickets are surveyed by email; widget chats are rated in the widget itself',
  }),
  questions: Type.Object({ en: Type.Optional(Question), 'zh-CN': Type.Optional(Question), 'zh-TW': Type.Optional(Question) }, { additionalProperties: false }),
});
export type CsatSettings = Static<typeof CsatSettingsSchema>;

export const CsatSettingsPatchSchema = Type.Partial(CsatSettingsSchema, { additionalProperties: false });
export type CsatSettingsPatch = Static<typeof CsatSettingsPatchSchema>;

export const DEFAULT_CSAT_SETTINGS: CsatSettings = { enabled: false, delayMinutes: 60, scale: '1-5', channels: ['email'], questions: {} };

const isScale = (v: unknown): v is CsatScale => v === '1-5' || v === 'faces';
const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/** Stored JSON back to settings; anything missing or odd takes the default, so old rows keep working. */
export function readCsatSettings(json: string | null): CsatSettings {
  const o = parseJsonObject(json);
  const d = DEFAULT_CSAT_SETTINGS;
  const q = parseJsonObject(JSON.stringify(o.questions ?? {}));
  const questions: CsatSettings['questions'] = {};
  for (const lang of SURVEY_LANGUAGES) {
    const text = q[lang];
    if (typeof text === 'string' && text.trim() !== '') questions[lang] = text;
  }
  return {
    enabled: typeof o.enabled === 'boolean' ? o.enabled : d.enabled,
    delayMinutes: typeof o.delayMinutes === 'number' && Number.isInteger(o.delayMinutes) && o.delayMinutes >= 0 ? o.delayMinutes : d.delayMinutes,
    scale: isScale(o.scale) ? o.scale : d.scale,
    channels: isStrings(o.channels) ? o.channels : d.channels,
    questions,
  };
}

export function mergeCsatSettings(current: CsatSettings, patch: CsatSettingsPatch): CsatSettings {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<CsatSettings>;
  const next = { ...current, ...defined };
  next.channels = [...new Set(next.channels.map((c) => c.trim()).filter((c) => c !== ''))];
  // An emptied question means "use the built-in one" again.
  next.questions = readCsatSettings(JSON.stringify({ questions: next.questions })).questions;
  return next;
}

export async function loadCsatSettings(db: DbOrTx): Promise<CsatSettings> {
  const row = await db.selectFrom('csat_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  return readCsatSettings(row?.settings ?? null);
}

export async function saveCsatSettings(db: DbOrTx, settings: CsatSettings, at: number): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('csat_settings')
    .values({ id: 1, settings: json, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ settings: json, updated_at: at }))
    .execute();
}

/** The contact's language as one the survey speaks: Traditional for Taiwan, Hong Kong and Macau. */
export function surveyLanguage(language: string | null): SurveyLanguage {
  const l = (language ?? '').toLowerCase();
  if (!l.startsWith('zh')) return 'en';
  return /^zh[-_](tw|hk|mo|hant)/.test(l) ? 'zh-TW' : 'zh-CN';
}
