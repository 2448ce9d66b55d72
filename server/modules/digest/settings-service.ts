import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import { recordAudit } from '../audit/service.js';
import { loadReportSettings, mergeReportSettings, saveReportSettings, type ReportSettings, type ReportSettingsPatch } from './settings.js';

/** Saves the report settings with their audit line; the digest job reads them at its next tick. */
export async function updateReportSettings(ctx: AppContext, actor: Actor, patch: ReportSettingsPatch): Promise<ReportSettings> {
  return ctx.database.transaction(async (tx) => {
    const before = await loadReportSettings(tx);
    const after = mergeReportSettings(before, patch);
    await saveReportSettings(tx, after, now());
    await recordAudit(tx, { actor, action: 'report_settings.updated', entityKind: 'report_settings', entityId: null, before, after });
    return after;
  });
}
