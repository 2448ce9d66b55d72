import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import { recordAudit } from '../audit/service.js';
import { loadCsatSettings, mergeCsatSettings, saveCsatSettings, type CsatSettings, type CsatSettingsPatch } from './settings.js';

/** Saves the survey settings with their audit line; surveys already scheduled keep their due time. */
export async function updateCsatSettings(ctx: AppContext, actor: Actor, patch: CsatSettingsPatch): Promise<CsatSettings> {
  return ctx.database.transaction(async (tx) => {
    const before = await loadCsatSettings(tx);
    const after = mergeCsatSettings(before, patch);
    await saveCsatSettings(tx, after, now());
    await recordAudit(tx, { actor, action: 'csat_settings.updated', entityKind: 'csat_settings', entityId: null, before, after });
    return after;
  });
}
