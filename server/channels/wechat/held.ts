import { now, type DbOrTx } from '../../db/database.js';

/** The reason a held reply shows; the agent app recognises the code before the colon. */
export const HELD_REASON = 'held_for_customer: waiting for the customer to write (WeChat allows replies only in a window after their message)';

/** How long a held reply sleeps before its channel looks again, if the customer never writes. */
export const HELD_RECHECK_MS = 24 * 3_600_000;

/**
 * The customer wrote again: their held replies on this channel become due now. Returns how many,
 * so the caller nudges the outbox only when there is something to send.
 */
export async function wakeHeldReplies(db: DbOrTx, channel: string, contactId: number, at = now()): Promise<number> {
  const result = await db
    .updateTable('outbox')
    .set({ next_attempt_at: at, updated_at: at })
    .where('kind', '=', 'wechat')
    .where('channel_name', '=', channel)
    .where('status', '=', 'pending')
    .where('last_error', 'like', 'held_for_customer%')
    .where('message_id', 'in', (eb) =>
      eb
        .selectFrom('messages')
        .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
        .select('messages.id')
        .where('tickets.contact_id', '=', contactId)
        .where('tickets.channel_name', '=', channel),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
