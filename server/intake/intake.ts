import type { AppContext } from '../context.js';
import { now, type Tx } from '../db/database.js';
import { isTransactionConflict, isUniqueViolation } from '../db/unique-violation.js';
import type { Actor } from '../realtime/bus.js';
import type { KefuEvent } from '../realtime/events.js';
import { attachmentUrl } from '../modules/attachments/presenter.js';
import { saveInboundAttachments } from '../modules/attachments/service.js';
import type { AttachmentRow } from '../modules/attachments/queries.js';
import { recordAudit } from '../modules/audit/service.js';
import { presentContact, presentOneContact } from '../modules/contacts/presenter.js';
import { appendMessage } from '../modules/tickets/messages.js';
import { presentMessage } from '../modules/tickets/presenter.js';
import { findMessageByIdempotencyKey, findTicket } from '../modules/tickets/queries.js';
import { eventTicketView } from './event-ticket-view.js';
import { runNewTicketHooks } from './new-ticket-hooks.js';
import { resolveContact } from './resolve-contact.js';
import { resolveTicket } from './resolve-ticket.js';
import { sharedTransactions } from './shared-transaction.js';
import type { InboundMessage, IntakeResult } from './types.js';

/** Inline email images point at `cid:`; once stored they point at our download URL. */
function rewriteCids(html: string | null | undefined, rows: AttachmentRow[]): string | null {
  if (!html) return null;
  let out = html;
  for (const row of rows) {
    if (row.content_id) out = out.split(`cid:${row.content_id.replace(/^<|>$/g, '')}`).join(attachmentUrl(row));
  }
  return out;
}

function senderName(msg: InboundMessage, contactName: string | null): string {
  // A widget identity is a random visitor id, no name to show: left empty, the agent app says "Anonymous visitor".
  const identity = msg.sender.identity.kind === 'widget' ? '' : msg.sender.identity.value;
  return msg.sender.name?.trim() || contactName || msg.sender.email || identity;
}

/**
 * A channel's own rows for the message (the widget's conversation and chat message), written in
 * the same transaction as the ticket message: both are stored or neither is, and they share its
 * commit instead of paying for one of their own. Runs for a repeated idempotency key too.
 */
export type Alongside = (tx: Tx, stored: IntakeResult) => Promise<void>;

/**
 * The one path every inbound message takes. In one transaction: contact, ticket, message.
 * Events go out after the commit. A repeated idempotency key changes nothing and returns
 * the first result with created=false, so a channel may safely retry.
 */
export async function intake(ctx: AppContext, msg: InboundMessage, alongside?: Alongside): Promise<IntakeResult> {
  const key = msg.idempotencyKey.trim();
  if (key === '') throw new Error('intake: an inbound message needs an idempotency key');
  for (let attempt = 1; ; attempt++) {
    try {
      return await intakeOnce(ctx, msg, key, alongside);
    } catch (err) {
      // Another process (a mail pipe next to the server) stored the same message first: the retry finds it.
      if (isDuplicateKey(err)) return intakeOnce(ctx, msg, key, alongside);
      // Another process sharing the PostgreSQL database committed a new ticket with the number
      // this one took, or the same sender's contact, between our read and our write: run again,
      // now seeing its row. A deadlock with the other process's intake rolled ours back whole.
      if (attempt < MAX_ATTEMPTS && (isConcurrentInsert(err) || isTransactionConflict(err))) continue;
      throw err;
    }
  }
}

const MAX_ATTEMPTS = 5;

function isDuplicateKey(err: unknown): boolean {
  return isUniqueViolation(err, { sqliteColumn: 'messages.idempotency_key', name: 'messages_idempotency' });
}

function isConcurrentInsert(err: unknown): boolean {
  return (
    isUniqueViolation(err, { sqliteColumn: 'tickets.number', name: 'tickets_number_key' }) ||
    isUniqueViolation(err, { sqliteColumn: 'contact_identities.kind', name: 'contact_identities_kind_value' })
  );
}

/** Concurrent intakes share a commit; each still resolves only once its message is committed. */
async function intakeOnce(ctx: AppContext, msg: InboundMessage, key: string, alongside?: Alongside): Promise<IntakeResult> {
  return sharedTransactions(ctx.database).run(async (tx, onCommit) => {
    const seen = await findMessageByIdempotencyKey(tx, msg.channel, key);
    if (seen) {
      const result = await repeated(tx, seen.ticket_id, seen.id);
      await alongside?.(tx, result);
      return result;
    }

    const at = msg.receivedAt ?? now();
    const { contact, created: contactCreated, identities } = await resolveContact(tx, msg.sender, at);
    const actor: Actor = { kind: 'contact', id: contact.id };
    const resolution = await resolveTicket(tx, msg, contact.id, at);
    const saved = await saveInboundAttachments(ctx, tx, msg.attachments ?? []);
    // A channel may list files it could not fetch itself; intake adds those it would not store.
    const listed = Array.isArray(msg.meta?.skippedAttachments) ? (msg.meta.skippedAttachments as unknown[]) : [];
    const meta = saved.skipped.length > 0 ? { ...msg.meta, skippedAttachments: [...listed, ...saved.skipped] } : (msg.meta ?? {});
    const appended = await appendMessage(
      tx,
      resolution.ticket,
      {
        kind: 'inbound',
        author: { kind: 'contact', id: contact.id, name: senderName(msg, contact.name) },
        text: msg.text,
        html: rewriteCids(msg.html, saved.rows),
        channel: msg.channel,
        idempotencyKey: key,
        meta,
        attachmentIds: saved.rows.map((r) => r.id),
        createdAt: at,
      },
      resolution.kind === 'existing' ? resolution.changes : {},
      { summarisedAtInsert: resolution.kind === 'created' },
    );
    const { message } = appended;
    const ticket =
      resolution.kind === 'created' ? await runNewTicketHooks(ctx, tx, { ticket: appended.ticket, contact, messageAt: message.created_at }, onCommit) : appended.ticket;

    const reopened = resolution.kind === 'existing' && resolution.reopened;
    const statusChanged = resolution.kind === 'existing' && resolution.changes.status !== undefined;
    if (resolution.kind === 'created') {
      await recordAudit(tx, {
        actor,
        action: 'ticket.created',
        entityKind: 'ticket',
        entityId: ticket.id,
        after: { number: ticket.number, channel: msg.channel, followUpOf: resolution.followUpOf },
      });
    } else if (statusChanged) {
      await recordAudit(tx, {
        actor,
        action: reopened ? 'ticket.reopened' : 'ticket.updated',
        entityKind: 'ticket',
        entityId: ticket.id,
        before: { status: resolution.ticket.status },
        after: { status: ticket.status },
      });
    }

    const scope = { ticketId: ticket.id, assigneeId: ticket.assignee_id, teamId: ticket.team_id };
    const ticketView = await eventTicketView(tx, ticket, contact, resolution.kind === 'created');
    const messageView = presentMessage(message, saved.rows);
    const events: KefuEvent[] = [];
    if (contactCreated) {
      // A contact made just now owns its identities and at most the ticket created for it.
      const contactView = identities
        ? presentContact(contact, identities, ticket.contact_id === contact.id ? 1 : 0)
        : await presentOneContact(tx, contact);
      events.push({ type: 'contact.created', actor, contactId: contact.id, contact: contactView });
    }
    if (resolution.kind === 'created') events.push({ type: 'ticket.created', actor, ...scope, ticket: ticketView });
    else if (statusChanged) {
      events.push({
        type: 'ticket.updated',
        actor,
        ...scope,
        ticket: ticketView,
        changes: ['status'],
        previous: { assigneeId: ticket.assignee_id, teamId: ticket.team_id },
      });
    }
    events.push({ type: 'message.created', actor, ...scope, message: messageView, ticket: ticketView, mentions: [] });
    const result: IntakeResult = {
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      messageId: message.id,
      contactId: contact.id,
      created: true,
      ticketCreated: resolution.kind === 'created',
      reopened,
    };
    await alongside?.(tx, result);
    onCommit(() => {
      ctx.logger.debug({ ticketId: ticket.id, messageId: message.id, channel: msg.channel.name }, 'inbound message stored');
      for (const e of events) ctx.bus.emit(e);
    });
    return result;
  });
}

async function repeated(tx: Tx, ticketId: number, messageId: number): Promise<IntakeResult> {
  const ticket = await findTicket(tx, ticketId);
  if (!ticket) throw new Error('message without its ticket');
  return {
    ticketId,
    ticketNumber: ticket.number,
    messageId,
    contactId: ticket.contact_id,
    created: false,
    ticketCreated: false,
    reopened: false,
  };
}
