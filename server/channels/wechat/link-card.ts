import type { AppContext } from '../../context.js';
import { BadRequest } from '../../http/errors.js';
import { parseJsonObject } from '../../modules/tickets/json.js';
import { writeAgentMessage } from '../../modules/tickets/post-message.js';
import { visibleTicket, type Viewer } from '../../modules/tickets/policy.js';

export interface LinkCardInput {
  title: string;
  description?: string | undefined;
  url: string;
  /** Shown as the card's picture (Official Account news card). */
  picUrl?: string | undefined;
}

/**
 * An agent's reply sent as a WeChat link card (title, description, picture, opening `url`). Stored
 * as an ordinary reply whose text is the title and the address, so the timeline, search and other
 * channels read it; the card itself rides in the message's meta for the WeChat sender.
 */
export async function sendLinkCard(ctx: AppContext, viewer: Viewer, ticketId: number, card: LinkCardInput): Promise<number> {
  const id = await ctx.database.transaction(async (tx, onCommit) => {
    const ticket = await visibleTicket(ctx, viewer, ticketId, tx);
    if (ticket.channel_kind !== 'wechat') throw new BadRequest('ticketId: link cards go to WeChat tickets only', { field: 'ticketId' });
    const text = [card.title, card.description, card.url].filter(Boolean).join('\n');
    const written = await writeAgentMessage(ctx, tx, viewer, ticket, { kind: 'reply', text });
    const meta = { ...parseJsonObject(written.message.meta), wechatLink: card };
    await tx.updateTable('messages').set({ meta: JSON.stringify(meta) }).where('id', '=', written.message.id).execute();
    onCommit(() => {
      written.events.forEach((e) => ctx.bus.emit(e));
      ctx.outbox.nudge();
    });
    return written.message.id;
  });
  return id;
}
