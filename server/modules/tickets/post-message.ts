import type { AppContext } from '../../context.js';
import { now, type Tx } from '../../db/database.js';
import { BadRequest } from '../../http/errors.js';
import type { KefuEvent } from '../../realtime/events.js';
import { enqueue } from '../../outbox/queue.js';
import { checkAddresses } from './addresses.js';
import { sanitizeAgentHtml } from './html.js';
import { findMentions } from './mentions.js';
import { appendMessage } from './messages.js';
import { applyTicketPatch } from './patch.js';
import { agentActor, visibleTicket, type Viewer } from './policy.js';
import { presentMessages, presentOneTicket } from './presenter.js';
import { markRead, type MessageRow, type TicketRow } from './queries.js';
import { checkReply, type ReplyTemplate } from './reply-checks.js';
import type { MessageView, TicketView } from './schemas.js';

export interface AgentMessageInput {
  kind: 'reply' | 'note';
  text: string;
  html?: string | undefined;
  cc?: string[] | undefined;
  bcc?: string[] | undefined;
  attachmentIds?: number[] | undefined;
  /** Set the ticket's status in the same step ("send and resolve"). */
  status?: 'open' | 'pending' | 'resolved' | undefined;
  /** An approved template instead of free text, on channels that have them (WhatsApp). */
  template?: ReplyTemplate | undefined;
}

/** Only the agent's own uploads, not yet sent with another message, may be attached. */
async function checkAttachments(tx: Tx, viewer: Viewer, ids: number[]): Promise<number[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const rows = await tx
    .selectFrom('attachments')
    .select('id')
    .where('id', 'in', unique)
    .where('uploaded_by', '=', viewer.id)
    .where('id', 'not in', (eb) => eb.selectFrom('message_attachments').select('attachment_id'))
    .execute();
  if (rows.length !== unique.length) {
    throw new BadRequest('attachmentIds: unknown attachment, or not yours to send', { field: 'attachmentIds' });
  }
  return unique;
}

/**
 * Writes an agent's reply or note inside the caller's transaction. A reply gets its outbox row in
 * the same transaction, so it is delivered exactly when it is committed; it stays 'queued' until
 * a sender for the ticket's channel takes it.
 */
export async function writeAgentMessage(
  ctx: AppContext,
  tx: Tx,
  viewer: Viewer,
  ticket: TicketRow,
  input: AgentMessageInput,
): Promise<{ message: MessageRow; ticket: TicketRow; events: KefuEvent[] }> {
  const isReply = input.kind === 'reply';
  const template = isReply ? input.template : undefined;
  const text = input.text.trim() || (template ? `${template.name} (${template.language})` : '');
  if (text === '' && (input.attachmentIds?.length ?? 0) === 0) throw new BadRequest('text: must not be empty', { field: 'text' });
  const checked = isReply ? await checkReply(ctx, tx, ticket, { text, template, attachmentCount: input.attachmentIds?.length ?? 0 }) : false;
  if (template && !checked) throw new BadRequest('template: this channel has no message templates', { field: 'template' });
  const actor = agentActor(viewer);
  const at = now();
  const attachmentIds = await checkAttachments(tx, viewer, input.attachmentIds ?? []);
  const mentions = isReply ? [] : await findMentions(tx, text);
  const meta: Record<string, unknown> = {};
  const cc = checkAddresses('cc', input.cc);
  const bcc = checkAddresses('bcc', input.bcc);
  if (isReply && cc.length) meta.cc = cc;
  if (isReply && bcc.length) meta.bcc = bcc;
  if (template) meta.template = { name: template.name, language: template.language };
  const appended = await appendMessage(
    tx,
    ticket,
    {
      kind: isReply ? 'outbound' : 'note',
      author: { kind: 'agent', id: viewer.id, name: viewer.name },
      text,
      html: input.html ? sanitizeAgentHtml(input.html) : null,
      channel: { kind: ticket.channel_kind, name: ticket.channel_name },
      delivery: isReply ? 'queued' : null,
      mentions,
      meta,
      attachmentIds,
      createdAt: at,
    },
    isReply && ticket.first_response_at === null ? { first_response_at: at } : {},
  );
  if (isReply) {
    await enqueue(tx, {
      kind: ticket.channel_kind,
      channelName: ticket.channel_name,
      messageId: appended.message.id,
      payload: { ticketId: ticket.id },
    });
  }
  await markRead(tx, viewer.id, ticket.id, at);
  let updated = appended.ticket;
  const events: KefuEvent[] = [];
  if (input.status !== undefined) {
    const patched = await applyTicketPatch(tx, updated, { status: input.status }, actor, at);
    updated = patched.ticket;
    events.push(...patched.events);
  }
  const [view] = await presentMessages(tx, [appended.message]);
  if (!view) throw new Error('message view missing');
  const ticketView = await presentOneTicket(tx, updated, null);
  const scope = { ticketId: updated.id, assigneeId: updated.assignee_id, teamId: updated.team_id };
  events.unshift({ type: 'message.created', actor, ...scope, message: view, ticket: ticketView, mentions });
  return { message: appended.message, ticket: updated, events };
}

export async function postMessage(
  ctx: AppContext,
  viewer: Viewer,
  ticketId: number,
  input: AgentMessageInput,
): Promise<{ message: MessageView; ticket: TicketView }> {
  const result = await ctx.database.transaction(async (tx, onCommit) => {
    const ticket = await visibleTicket(ctx, viewer, ticketId, tx);
    const written = await writeAgentMessage(ctx, tx, viewer, ticket, input);
    onCommit(() => {
      written.events.forEach((e) => ctx.bus.emit(e));
      if (input.kind === 'reply') ctx.outbox.nudge();
    });
    return written;
  });
  const [message] = await presentMessages(ctx.db, [result.message]);
  if (!message) throw new Error('message view missing');
  return { message, ticket: await presentOneTicket(ctx.db, result.ticket, viewer.id) };
}
