import type { AppContext } from '../../context.js';
import { createApiSender } from './sender.js';

/** Registers the outbox sender for kind 'api' (agents' replies to callback_url); no receiver to start. */
export function startApiChannels(ctx: AppContext): void {
  if (ctx.config.channels.api.length === 0) return;
  ctx.onClose(ctx.outbox.registerSender('api', createApiSender(ctx)));
}
