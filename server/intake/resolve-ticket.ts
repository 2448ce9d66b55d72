import type { DbOrTx } from '../db/database.js';
import { findTicket, findTicketByThreadKey, insertTicket, type TicketChanges, type TicketRow } from '../modules/tickets/queries.js';
import { previewOf } from '../modules/tickets/messages.js';
import type { InboundMessage } from './types.js';

export type TicketResolution =
  | { kind: 'existing'; ticket: TicketRow; changes: TicketChanges; reopened: boolean }
  | { kind: 'created'; ticket: TicketRow; followUpOf: number | null };

const MAX_MERGE_HOPS = 10;

/** A merged ticket forwards to the one it was merged into. */
async function followMerges(db: DbOrTx, ticket: TicketRow | undefined): Promise<TicketRow | undefined> {
  let current = ticket;
  for (let hop = 0; current?.merged_into_id && hop < MAX_MERGE_HOPS; hop++) {
    current = (await findTicket(db, current.merged_into_id)) ?? current;
  }
  return current;
}

export function subjectFrom(msg: InboundMessage): string {
  const given = msg.subject?.replace(/\s+/g, ' ').trim();
  if (given) return given.slice(0, 250);
  const firstLine = msg.text.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  return firstLine.length > 80 ? `${firstLine.slice(0, 79)}…` : firstLine;
}

/**
 * The ticket an inbound message belongs to: the thread's open ticket (a customer reply moves
 * pending or snoozed back to open), a resolved one reopened, or a new ticket. A closed ticket
 * stays closed; the new ticket is linked to it as its follow-up.
 */
export async function resolveTicket(
  db: DbOrTx,
  msg: InboundMessage,
  contactId: number,
  at: number,
): Promise<TicketResolution> {
  let found = msg.thread?.ticketId ? await followMerges(db, await findTicket(db, msg.thread.ticketId)) : undefined;
  if (!found && msg.thread?.key) found = await followMerges(db, await findTicketByThreadKey(db, msg.channel, msg.thread.key));

  if (found && found.status !== 'closed') {
    if (found.status === 'open') return { kind: 'existing', ticket: found, changes: {}, reopened: false };
    const reopened = found.status === 'resolved';
    return {
      kind: 'existing',
      ticket: found,
      reopened,
      changes: {
        status: 'open',
        snoozed_until: null,
        ...(reopened ? { resolved_at: null, reopen_count: found.reopen_count + 1, last_reopened_at: at } : {}),
      },
    };
  }
  const ticket = await insertTicket(db, {
    subject: subjectFrom(msg),
    channel_kind: msg.channel.kind,
    channel_name: msg.channel.name,
    thread_key: msg.thread?.key ?? found?.thread_key ?? null,
    contact_id: contactId,
    at,
    first: { preview: previewOf(msg.text), kind: 'inbound', at },
  });
  if (found) {
    await db.insertInto('ticket_links').values({ ticket_id: ticket.id, linked_ticket_id: found.id, kind: 'follow_up', created_at: at }).execute();
  }
  return { kind: 'created', ticket, followUpOf: found?.id ?? null };
}
