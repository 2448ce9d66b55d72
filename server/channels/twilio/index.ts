import type { AppContext } from '../../context.js';
import { BadRequest } from '../../http/errors.js';
import { registerReplyCheck } from '../../modules/tickets/reply-checks.js';
import { startCredentialProbes } from '../phone/probe.js';
import { checkCredentials } from './rest-api.js';
import { createTwilioSender } from './sender.js';

export function registerTwilio(ctx: AppContext): void {
  if (ctx.config.channels.twilio.length === 0) return;
  // Twilio fetches MMS media from a public URL, and attachments here need a sign-in: text only.
  registerReplyCheck(ctx, 'twilio', async (_tx, _ticket, reply) => {
    if (reply.attachmentCount > 0) throw new BadRequest('attachmentIds: SMS replies carry text only', { field: 'attachmentIds' }, 'sms_text_only');
    if (reply.template) throw new BadRequest('template: SMS has no message templates', { field: 'template' });
  });
  ctx.onClose(ctx.outbox.registerSender('twilio', createTwilioSender(ctx)));
}

/** In a serving process: /readyz `twilio:<name>` from an authenticated read at start and every few minutes. */
export function startTwilioProbes(ctx: AppContext): Promise<void> {
  const first = ctx.config.channels.twilio.map((channel) =>
    startCredentialProbes(ctx, `twilio:${channel.name}`, () => checkCredentials(channel)),
  );
  return Promise.all(first).then(() => undefined);
}
