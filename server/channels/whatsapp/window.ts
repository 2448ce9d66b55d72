import type { DbOrTx } from '../../db/database.js';
import { BadRequest, Conflict } from '../../http/errors.js';
import type { ReplyCheck } from '../../modules/tickets/reply-checks.js';
import type { WhatsAppChannelConfig } from './config-schema.js';

/** WhatsApp takes free-form messages only within 24 hours of the customer's last message. */
export const WINDOW_MS = 24 * 60 * 60 * 1000;

export interface ReplyWindow {
  /** When the customer last wrote on this channel, or null if never. */
  lastInboundAt: number | null;
  /** Until when free text may be sent; null when the window is closed. */
  expiresAt: number | null;
  open: boolean;
}

export async function replyWindow(db: DbOrTx, channelName: string, contactId: number, at: number): Promise<ReplyWindow> {
  const row = await db
    .selectFrom('messages')
    .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
    .select((eb) => eb.fn.max('messages.created_at').as('last'))
    .where('tickets.contact_id', '=', contactId)
    .where('messages.kind', '=', 'inbound')
    .where('messages.channel_kind', '=', 'whatsapp')
    .where('messages.channel_name', '=', channelName)
    .executeTakeFirst();
  const last = row?.last ?? null;
  const open = last !== null && at < last + WINDOW_MS;
  return { lastInboundAt: last, expiresAt: open && last !== null ? last + WINDOW_MS : null, open };
}

/**
 * Refuses free text once the window has closed (WhatsApp would answer 131047 anyway, after the
 * agent had moved on) and a template the config does not list.
 */
export function whatsappReplyCheck(channels: readonly WhatsAppChannelConfig[]): ReplyCheck {
  return async (tx, ticket, reply) => {
    const channel = channels.find((c) => c.name === ticket.channel_name);
    if (!channel) return;
    if (reply.template) {
      const known = channel.templates.some((t) => t.name === reply.template?.name && t.language === reply.template.language);
      if (!known) throw new BadRequest(`template: ${reply.template.name} (${reply.template.language}) is not an approved template of this channel`, { field: 'template' }, 'whatsapp_unknown_template');
      return;
    }
    const window = await replyWindow(tx, channel.name, ticket.contact_id, Date.now());
    if (!window.open) {
      throw new Conflict(
        'The customer last wrote more than 24 hours ago, so WhatsApp accepts only an approved template until they write again.',
        'whatsapp_window_closed',
        { lastInboundAt: window.lastInboundAt },
      );
    }
  };
}
