import type { AppContext } from '../../context.js';
import { now, type DbOrTx } from '../../db/database.js';
import type { IntakeResult } from '../../intake/types.js';
import { enqueue } from '../../outbox/queue.js';
import type { EmailChannelConfig } from './config-schema.js';
import type { ParsedEmail } from './parse.js';
import { countAutoAcks, countAutoMailOfChannel, countAutoMailOfTicket, recordAutoAck } from './queries.js';
import type { PlainEmailPayload } from './payloads.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (m, key: string) => values[key] ?? m);
}

/**
 * Whether one more automatic mail fits the mailbox's budget for this ticket and for the whole
 * mailbox (auto_mail_limits). Addresses are easy to vary; tickets and the mailbox are not.
 */
export async function autoMailBudgetLeft(db: DbOrTx, channel: EmailChannelConfig, ticketId: number, at: number): Promise<boolean> {
  const limits = channel.auto_mail_limits;
  const since = at - limits.window_minutes * 60_000;
  if ((await countAutoMailOfTicket(db, ticketId, since)) >= limits.per_ticket) return false;
  return (await countAutoMailOfChannel(db, channel.name, since)) < limits.per_mailbox;
}

/**
 * Queues the mailbox's acknowledgement for a new ticket, unless the mail came from a machine
 * (auto-reply, list, bounce), this sender already got its share today, or the ticket or the
 * mailbox spent its budget of automatic mail.
 */
export async function queueAutoAcknowledgement(
  ctx: AppContext,
  channel: EmailChannelConfig,
  mail: ParsedEmail,
  result: IntakeResult,
): Promise<boolean> {
  const template = channel.auto_acknowledge;
  const to = (mail.replyTo ?? mail.from)?.address;
  // An invalid sender is not answered: its Reply-To alone is no proof anyone asked.
  if (!template || !to || mail.autoReply || mail.bounce || mail.invalidSender) return false;
  const at = now();
  const skipped = await ctx.database.transaction(async (tx, onCommit) => {
    if ((await countAutoAcks(tx, channel.name, to, at - DAY_MS)) >= template.max_per_sender_per_day) return 'sender limit reached';
    if (!(await autoMailBudgetLeft(tx, channel, result.ticketId, at))) return 'automatic mail budget spent';
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
    return null;
  });
  if (skipped) ctx.logger.info({ channel: channel.name, ticketId: result.ticketId, reason: skipped }, 'auto-acknowledgement skipped');
  return skipped === null;
}
