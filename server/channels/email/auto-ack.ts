import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { IntakeResult } from '../../intake/types.js';
import { enqueue } from '../../outbox/queue.js';
import type { EmailChannelConfig } from './config-schema.js';
import type { ParsedEmail } from './parse.js';
import { countAutoAcks, recordAutoAck } from './queries.js';
import type { PlainEmailPayload } from './payloads.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (m, key: string) => values[key] ?? m);
}

/**
 * Queues the mailbox's acknowledgement for a new ticket, unless the mail came from a machine
 * (auto-reply, list, bounce) or this sender already got its share today.
 */
export async function queueAutoAcknowledgement(
  ctx: AppContext,
  channel: EmailChannelConfig,
  mail: ParsedEmail,
  result: IntakeResult,
): Promise<boolean> {
  const template = channel.auto_acknowledge;
  const to = (mail.replyTo ?? mail.from)?.address;
  if (!template || !to || mail.autoReply || mail.bounce) return false;
  const at = now();
  const queued = await ctx.database.transaction(async (tx, onCommit) => {
    if ((await countAutoAcks(tx, channel.name, to, at - DAY_MS)) >= template.max_per_sender_per_day) return false;
    const values = {
      'ticket.number': String(result.ticketNumber),
      'ticket.subject': mail.subject,
      'contact.name': mail.from?.name || to,
    };
    const payload: PlainEmailPayload = {
      type: 'plain',
      to,
      subject: fillTemplate(template.subject, values),
      text: fillTemplate(template.body, values),
      ticketId: result.ticketId,
      inReplyTo: mail.messageIdSynthesized ? null : mail.messageId,
      autoSubmitted: true,
    };
    await recordAutoAck(tx, channel.name, to, result.ticketId, at);
    await enqueue(tx, { kind: 'email', channelName: channel.name, payload: { ...payload } });
    onCommit(() => ctx.outbox.nudge());
    return true;
  });
  if (!queued) ctx.logger.info({ channel: channel.name, ticketId: result.ticketId }, 'auto-acknowledgement skipped: sender limit reached');
  return queued;
}
