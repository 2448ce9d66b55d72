import type { Selectable } from 'kysely';
import { now, type DbOrTx } from '../../db/database.js';
import type { EmailOutboundTable } from './tables.js';

export type OutboundRow = Selectable<EmailOutboundTable>;

export interface NewOutbound {
  outboxId: number;
  channel: string;
  messageId: string;
  ticketId: number | null;
  kefuMessageId: number | null;
}

/**
 * The outbound record of an outbox job, created on its first try. The Message-ID of an existing
 * row wins over `fresh.messageId`: every retry of a mail carries the id of its first try.
 */
export async function outboundFor(db: DbOrTx, fresh: NewOutbound): Promise<OutboundRow> {
  await db
    .insertInto('email_outbound')
    .values({
      outbox_id: fresh.outboxId,
      channel_name: fresh.channel,
      message_id: fresh.messageId,
      ticket_id: fresh.ticketId,
      kefu_message_id: fresh.kefuMessageId,
      data_started_at: null,
      accepted_at: null,
      created_at: now(),
    })
    .onConflict((oc) => oc.column('outbox_id').doNothing())
    .execute();
  return db.selectFrom('email_outbound').selectAll().where('outbox_id', '=', fresh.outboxId).executeTakeFirstOrThrow();
}

export async function outboundOf(db: DbOrTx, outboxId: number): Promise<OutboundRow | undefined> {
  return db.selectFrom('email_outbound').selectAll().where('outbox_id', '=', outboxId).executeTakeFirst();
}

export async function markDataStarted(db: DbOrTx, outboxId: number): Promise<void> {
  await db.updateTable('email_outbound').set({ data_started_at: now() }).where('outbox_id', '=', outboxId).execute();
}

export async function markAccepted(db: DbOrTx, outboxId: number): Promise<void> {
  await db.updateTable('email_outbound').set({ accepted_at: now() }).where('outbox_id', '=', outboxId).execute();
}

/** The server refused the body, or an agent chose to send it again: the next try starts clean. */
export async function clearHandoff(db: DbOrTx, outboxId: number): Promise<void> {
  await db.updateTable('email_outbound').set({ data_started_at: null, accepted_at: null }).where('outbox_id', '=', outboxId).execute();
}

/** Message-IDs among `ids` of Kefu's own mails (acknowledgements and the like), with their ticket. */
export async function findSentMailTickets(db: DbOrTx, ids: string[]): Promise<Array<{ messageId: string; ticketId: number }>> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('email_outbound')
    .select(['message_id', 'ticket_id'])
    .where('message_id', 'in', ids.slice(0, 200))
    .where('ticket_id', 'is not', null)
    .execute();
  return rows.flatMap((r) => (r.ticket_id === null ? [] : [{ messageId: r.message_id, ticketId: r.ticket_id }]));
}
