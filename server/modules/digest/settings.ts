import { Type, type Static } from '@sinclair/typebox';
import { validate } from 'node-cron';
import type { DbOrTx } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import { isTimeZone } from '../business-hours/zone-clock.js';
import { parseJsonObject } from '../tickets/json.js';

export const DigestSettingsSchema = Type.Object({
  enabled: Type.Boolean({ description: 'mail the weekly digest to admins and supervisors (off by default: nobody gets mail they did not ask for)' }),
  schedule: Type.String({
    minLength: 1,
    maxLength: 100,
    description: 'a 5-field cron expression, read on the clock of `timezone`; each send covers the 7 days before the day it runs on',
  }),
  timezone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone of the schedule and of the week the digest covers' }),
});
export type DigestSettings = Static<typeof DigestSettingsSchema>;

export const ReportSettingsSchema = Type.Object({ digest: DigestSettingsSchema });
export type ReportSettings = Static<typeof ReportSettingsSchema>;

export const ReportSettingsPatchSchema = Type.Object({ digest: Type.Optional(Type.Partial(DigestSettingsSchema, { additionalProperties: false })) }, { additionalProperties: false });
export type ReportSettingsPatch = Static<typeof ReportSettingsPatchSchema>;

/** Monday 08:00: the week just ended, before the team's day starts. */
export const DEFAULT_REPORT_SETTINGS: ReportSettings = { digest: { enabled: false, schedule: '0 8 * * 1', timezone: 'UTC' } };

/** Five fields only: the digest job looks once a minute, so a seconds field could never be honoured. */
export const isDigestSchedule = (s: string): boolean => s.trim().split(/\s+/).length === 5 && validate(s.trim());

/** Stored JSON back to settings; anything missing or odd takes the default, so old rows keep working. */
export function readReportSettings(json: string | null): ReportSettings {
  const d = DEFAULT_REPORT_SETTINGS.digest;
  const o = parseJsonObject(JSON.stringify(parseJsonObject(json).digest ?? {}));
  return {
    digest: {
      enabled: typeof o.enabled === 'boolean' ? o.enabled : d.enabled,
      schedule: typeof o.schedule === 'string' && isDigestSchedule(o.schedule) ? o.schedule : d.schedule,
      timezone: typeof o.timezone === 'string' && isTimeZone(o.timezone) ? o.timezone : d.timezone,
    },
  };
}

const bad = (field: string, message: string): BadRequest => new BadRequest(`${field}: ${message}`, { field });

/** The patch applied, or a 400 naming the field that cannot be used. */
export function mergeReportSettings(current: ReportSettings, patch: ReportSettingsPatch): ReportSettings {
  const p = patch.digest ?? {};
  const digest = { ...current.digest };
  if (p.enabled !== undefined) digest.enabled = p.enabled;
  if (p.schedule !== undefined) {
    if (!isDigestSchedule(p.schedule)) throw bad('digest.schedule', `"${p.schedule}" is not a 5-field cron expression (minute hour day-of-month month day-of-week)`);
    digest.schedule = p.schedule.trim().replace(/\s+/g, ' ');
  }
  if (p.timezone !== undefined) {
    if (!isTimeZone(p.timezone.trim())) throw bad('digest.timezone', `"${p.timezone}" is not an IANA time zone`);
    digest.timezone = p.timezone.trim();
  }
  return { digest };
}

export async function loadReportSettings(db: DbOrTx): Promise<ReportSettings> {
  const row = await db.selectFrom('report_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  return readReportSettings(row?.settings ?? null);
}

export async function saveReportSettings(db: DbOrTx, settings: ReportSettings, at: number): Promise<void> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('report_settings')
    .values({ id: 1, settings: json, updated_at: at })
    .onConflict((oc) => oc.column('id').doUpdateSet({ settings: json, updated_at: at }))
    .execute();
}
