import type { AppContext } from '../../context.js';
import { registerReplyCheck } from '../../modules/tickets/reply-checks.js';
import { startCredentialProbes } from '../phone/probe.js';
import { checkCredentials } from './graph-api.js';
import { createWhatsAppSender } from './sender.js';
import { whatsappReplyCheck } from './window.js';

/** What every process with the app needs: the outbox sender and the 24-hour window rule. */
export function registerWhatsApp(ctx: AppContext): void {
  const channels = ctx.config.channels.whatsapp;
  if (channels.length === 0) return;
  registerReplyCheck(ctx, 'whatsapp', whatsappReplyCheck(channels));
  ctx.onClose(ctx.outbox.registerSender('whatsapp', createWhatsAppSender(ctx)));
}

/** In a serving process: /readyz `whatsapp:<name>` from an authenticated read at start and every few minutes. */
export function startWhatsAppProbes(ctx: AppContext): Promise<void> {
  const first = ctx.config.channels.whatsapp.map((channel) =>
    startCredentialProbes(ctx, `whatsapp:${channel.name}`, () => checkCredentials(channel)),
  );
  return Promise.all(first).then(() => undefined);
}
