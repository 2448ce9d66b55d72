import type { AppContext } from '../../context.js';
import type { Tx } from '../../db/database.js';
import { queueAccountMail } from '../agents/account-mail.js';
import { recordAudit } from '../audit/service.js';

/** A webhook whose every attempt failed for this long is turned off, and the admins are told. */
export const DISABLE_AFTER_MS = 3 * 24 * 60 * 60_000;

export interface AttemptOutcome {
  deliveryId: number;
  webhookId: number;
  attempt: number;
  code: number | null;
  durationMs: number;
  /** null when delivered */
  error: string | null;
  at: number;
}

async function logAttempt(tx: Tx, o: AttemptOutcome, status: 'delivered' | 'retrying' | 'failed'): Promise<void> {
  await tx
    .insertInto('webhook_attempts')
    .values({ delivery_id: o.deliveryId, attempt: o.attempt, ok: o.error === null ? 1 : 0, response_code: o.code, duration_ms: o.durationMs, error: o.error, at: o.at })
    .execute();
  await tx
    .updateTable('webhook_deliveries')
    .set({ status, attempts: o.attempt, response_code: o.code, duration_ms: o.durationMs, error: o.error, updated_at: o.at })
    .where('id', '=', o.deliveryId)
    .execute();
}

export async function recordSuccess(ctx: AppContext, o: AttemptOutcome): Promise<void> {
  await ctx.database.transaction(async (tx) => {
    await logAttempt(tx, o, 'delivered');
    await tx.updateTable('webhooks').set({ failing_since: null }).where('id', '=', o.webhookId).where('failing_since', 'is not', null).execute();
  });
}

/**
 * Logs a failed attempt and extends the webhook's failure streak; a streak of DISABLE_AFTER_MS turns
 * an enabled webhook off (so its other queued deliveries stop at their next turn) and mails the admins.
 */
export async function recordFailure(ctx: AppContext, o: AttemptOutcome, final: boolean): Promise<{ disabled: boolean }> {
  return ctx.database.transaction(async (tx, onCommit) => {
    const hook = await tx
      .updateTable('webhooks')
      .set((eb) => ({ failing_since: eb.fn.coalesce('failing_since', eb.val(o.at)) }))
      .where('id', '=', o.webhookId)
      .returning(['id', 'url', 'enabled', 'failing_since'])
      .executeTakeFirst();
    const disable = hook !== undefined && hook.enabled === 1 && hook.failing_since !== null && o.at - hook.failing_since >= DISABLE_AFTER_MS;
    await logAttempt(tx, o, final || disable ? 'failed' : 'retrying');
    if (!disable) return { disabled: false };
    const reason = `Every delivery failed for 3 days (last error: ${o.error ?? 'unknown'}).`;
    await tx.updateTable('webhooks').set({ enabled: 0, disabled_reason: reason, updated_at: o.at }).where('id', '=', o.webhookId).execute();
    await recordAudit(tx, { actor: { kind: 'system' }, action: 'webhook.auto_disabled', entityKind: 'webhook', entityId: o.webhookId, after: { reason } });
    await mailAdmins(ctx, tx, hook.url, reason);
    onCommit(() => ctx.outbox.nudge());
    return { disabled: true };
  });
}

async function mailAdmins(ctx: AppContext, tx: Tx, url: string, reason: string): Promise<void> {
  const admins = await tx.selectFrom('agents').select(['email', 'name']).where('role', '=', 'admin').where('active', '=', 1).execute();
  const settings = `${ctx.config.server.public_url.replace(/\/+$/, '')}/#/admin/webhooks`;
  for (const admin of admins) {
    const sent = await queueAccountMail(ctx, tx, {
      to: admin.email,
      subject: 'Kefu turned off a webhook that kept failing',
      text: `Hello ${admin.name},\n\nKefu turned off the webhook ${url}.\n${reason}\n\nFix the receiver, then turn the webhook back on (and redeliver what it missed) in Settings → Webhooks:\n${settings}\n`,
    });
    if (!sent) ctx.logger.warn({ subsystem: 'webhooks' }, 'a webhook was turned off and no mailbox can tell the admins');
  }
}
