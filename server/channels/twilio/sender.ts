import type { AppContext } from '../../context.js';
import { PermanentDeliveryError, type OutboxJob, type SendResult } from '../../outbox/senders.js';
import { saveProviderRef } from '../phone/refs.js';
import { sendSms } from './rest-api.js';

/** Sends an agent's reply as an SMS (text only: the reply check refuses attachments). */
export function createTwilioSender(ctx: AppContext): (job: OutboxJob) => Promise<SendResult | void> {
  return async (job) => {
    const channel = ctx.config.channels.twilio.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no twilio channel named ${job.channelName ?? ''}`);
    if (job.messageId === null) throw new PermanentDeliveryError('nothing to send');
    const row = await ctx.db
      .selectFrom('messages')
      .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
      .select(['messages.text', 'tickets.thread_key'])
      .where('messages.id', '=', job.messageId)
      .executeTakeFirst();
    if (!row?.thread_key) throw new PermanentDeliveryError('the ticket has no phone number to reply to');
    const statusCallback = `${ctx.config.server.public_url}/webhooks/twilio/${encodeURIComponent(channel.name)}/status`;
    const sid = await sendSms(channel, row.thread_key, row.text.slice(0, 1600), statusCallback);
    if (sid) await saveProviderRef(ctx.db, { kind: 'twilio', name: channel.name }, sid, job.messageId);
  };
}
