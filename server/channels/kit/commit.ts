import type { AppContext } from '../../context.js';
import { intake, type Alongside } from '../../intake/intake.js';
import { findMessageByIdempotencyKey } from '../../modules/tickets/queries.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import type { SkippedMedia } from './media.js';

/**
 * Stores one inbound webhook message and resolves only once it is committed, so the caller answers
 * the provider 200 only for a message that cannot be lost; a failure propagates (a 5xx), and the
 * provider's retry is stored once thanks to the idempotency key. Files a channel could not fetch
 * are listed on the message, next to any intake itself left out.
 */
export function commitInbound(ctx: AppContext, msg: InboundMessage, skipped: SkippedMedia[] = [], alongside?: Alongside): Promise<IntakeResult> {
  if (skipped.length === 0) return intake(ctx, msg, alongside);
  const listed = skipped.map((s) => ({ name: s.name, size: s.size, reason: s.reason, ...(s.detail ? { detail: s.detail } : {}) }));
  return intake(ctx, { ...msg, meta: { ...msg.meta, skippedAttachments: listed } }, alongside);
}

/**
 * Whether a provider's retry of this message was stored already: checked before fetching its
 * files, so a retried webhook costs no downloads. Intake still decides; this only saves work, so a
 * message without files does not ask.
 */
export async function alreadyStored(ctx: AppContext, channel: { kind: string; name: string }, key: string): Promise<boolean> {
  return (await findMessageByIdempotencyKey(ctx.db, channel, key.trim())) !== undefined;
}
