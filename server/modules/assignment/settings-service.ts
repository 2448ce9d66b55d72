import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import { assignerOf } from './assigner.js';
import { loadSettings, mergeSettings, saveSettings, teamKey, type AssignmentPatch, type AssignmentSettings } from './settings.js';

/** Inside the caller's transaction (the team's own update), so the audit line covers it. */
export async function updateAssignmentSettings(db: DbOrTx, teamId: number | null, patch: AssignmentPatch): Promise<AssignmentSettings> {
  const next = mergeSettings(await loadSettings(db, teamId), patch);
  await saveSettings(db, teamId, next, now());
  return next;
}

/** After settings or members change: waiting tickets may have someone now. */
export async function drainAfterChange(ctx: AppContext, teamId: number | null): Promise<void> {
  await assignerOf(ctx).drain([teamKey(teamId)]);
}
