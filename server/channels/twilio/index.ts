import type { AppContext } from '../../context.js';
import { startCredentialProbes } from '../phone/probe.js';
import { checkCredentials } from './rest-api.js';
import { createTwilioSender } from './sender.js';

export function registerTwilio(ctx: AppContext): void {
  if (ctx.config.channels.twilio.length === 0) return;
  ctx.onClose(ctx.outbox.registerSender('twilio', createTwilioSender(ctx)));
}

/** In a serving process: /readyz `twilio:<name>` from an authenticated read at start and every few minutes. */
export function startTwilioProbes(ctx: AppContext): Promise<void> {
  const first = ctx.config.channels.twilio.map((channel) =>
    startCredentialProbes(ctx, `twilio:${channel.name}`, () => checkCredentials(channel)),
  );
  return Promise.all(first).then(() => undefined);
}
