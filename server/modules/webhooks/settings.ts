import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import type { Actor } from '../../realtime/bus.js';
import { recordAudit } from '../audit/service.js';
import { parseJsonObject } from '../tickets/json.js';

const RetentionDays = Type.Integer({
  minimum: 1,
  maximum: 3650,
  description: 'days a finished (delivered or failed) delivery stays in the log; deliveries still being tried are never trimmed',
});

export const WebhookSettingsSchema = Type.Object({ deliveryRetentionDays: RetentionDays });
export type WebhookSettings = Static<typeof WebhookSettingsSchema>;

export const WebhookSettingsPatchSchema = Type.Object({ deliveryRetentionDays: Type.Optional(RetentionDays) }, { additionalProperties: false });
export type WebhookSettingsPatch = Static<typeof WebhookSettingsPatchSchema>;

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { deliveryRetentionDays: 30 };

/** Stored JSON back to settings; anything missing or odd takes the default, so old rows keep working. */
export function readWebhookSettings(json: string | null): WebhookSettings {
  const days = parseJsonObject(json).deliveryRetentionDays;
  const ok = typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 3650;
  return { deliveryRetentionDays: ok ? days : DEFAULT_WEBHOOK_SETTINGS.deliveryRetentionDays };
}

export async function loadWebhookSettings(db: DbOrTx): Promise<WebhookSettings> {
  const row = await db.selectFrom('webhook_settings').select('settings').where('id', '=', 1).executeTakeFirst();
  return readWebhookSettings(row?.settings ?? null);
}

/** Saves the patch (the route's schema has checked it) with its audit line; the next trim uses it. */
export async function updateWebhookSettings(ctx: AppContext, actor: Actor, patch: WebhookSettingsPatch): Promise<WebhookSettings> {
  return ctx.database.transaction(async (tx) => {
    const before = await loadWebhookSettings(tx);
    const after: WebhookSettings = { ...before, ...(patch.deliveryRetentionDays !== undefined ? { deliveryRetentionDays: patch.deliveryRetentionDays } : {}) };
    const json = JSON.stringify(after);
    const at = now();
    await tx
      .insertInto('webhook_settings')
      .values({ id: 1, settings: json, updated_at: at })
      .onConflict((oc) => oc.column('id').doUpdateSet({ settings: json, updated_at: at }))
      .execute();
    await recordAudit(tx, { actor, action: 'webhook_settings.updated', entityKind: 'webhook_settings', entityId: null, before, after });
    return after;
  });
}
