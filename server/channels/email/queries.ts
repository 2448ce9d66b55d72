import { sql } from 'kysely';
import { now, type DbOrTx } from '../../db/database.js';
import { prepared } from '../../db/prepared.js';

export interface KnownMessage {
  messageId: string;
  kefuMessageId: number;
  ticketId: number;
  direction: 'in' | 'out';
}

/** Message-IDs we sent or received among `ids`, each with the ticket its message now belongs to. */
export async function findKnownMessageIds(db: DbOrTx, ids: string[]): Promise<KnownMessage[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('email_message_ids as e')
    .innerJoin('messages as m', 'm.id', 'e.kefu_message_id')
    .select(['e.message_id', 'e.kefu_message_id', 'e.direction', 'm.ticket_id'])
    .where('e.message_id', 'in', ids.slice(0, 200))
    .execute();
  return rows.map((r) => ({ messageId: r.message_id, kefuMessageId: r.kefu_message_id, ticketId: r.ticket_id, direction: r.direction }));
}

const insertMessageId = prepared(
  (db: DbOrTx, p: { messageId: string; channel: string; kefuMessageId: number; direction: 'in' | 'out'; at: number }) =>
    db
      .insertInto('email_message_ids')
      .values({
        message_id: p.messageId,
        channel_name: p.channel,
        kefu_message_id: p.kefuMessageId,
        direction: p.direction,
        created_at: p.at,
      })
      .onConflict((oc) => oc.columns(['message_id', 'channel_name']).doNothing()),
);

/** Runs for every mail in and out, inside intake's transaction: compiled once (server/db/prepared.ts). */
export async function recordMessageId(
  db: DbOrTx,
  row: { messageId: string; channel: string; kefuMessageId: number; direction: 'in' | 'out' },
): Promise<void> {
  await insertMessageId.execute(db, { ...row, at: now() });
}

/** The Message-ID we gave an outbound message, if it was sent by email. */
export async function messageIdOf(db: DbOrTx, kefuMessageId: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('email_message_ids')
    .select('message_id')
    .where('kefu_message_id', '=', kefuMessageId)
    .executeTakeFirst();
  return row?.message_id;
}

/** Follows merges to the ticket that lives on. */
export async function survivingTicketId(db: DbOrTx, ticketId: number): Promise<number | null> {
  let id = ticketId;
  for (let hops = 0; hops < 20; hops++) {
    const row = await db.selectFrom('tickets').select(['id', 'merged_into_id']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    if (row.merged_into_id === null) return row.id;
    id = row.merged_into_id;
  }
  return null;
}

export async function ticketIdByNumber(db: DbOrTx, number: number): Promise<number | null> {
  const row = await db.selectFrom('tickets').select('id').where('number', '=', number).executeTakeFirst();
  return row?.id ?? null;
}

export async function ticketNumberOf(db: DbOrTx, ticketId: number): Promise<number | null> {
  const row = await db.selectFrom('tickets').select('number').where('id', '=', ticketId).executeTakeFirst();
  return row?.number ?? null;
}

/** Whether the ticket's contact owns this email address (a subject token alone is easy to forge). */
export async function ticketContactHasEmail(db: DbOrTx, ticketId: number, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('tickets as t')
    .innerJoin('contact_identities as i', 'i.contact_id', 't.contact_id')
    .select('t.id')
    .where('t.id', '=', ticketId)
    .where('i.kind', '=', 'email')
    .where(sql<string>`lower(i.value)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row !== undefined;
}

export async function countAutoAcks(db: DbOrTx, channel: string, sender: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('email_auto_acks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_name', '=', channel)
    .where('sender', '=', sender)
    .where('sent_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Automatic mails to a ticket since `since`, whoever they went to. */
export async function countAutoMailOfTicket(db: DbOrTx, ticketId: number, since: number): Promise<number> {
  const row = await db
    .selectFrom('email_auto_acks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('ticket_id', '=', ticketId)
    .where('sent_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Automatic mails from a mailbox since `since`. */
export async function countAutoMailOfChannel(db: DbOrTx, channel: string, since: number): Promise<number> {
  const row = await db
    .selectFrom('email_auto_acks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_name', '=', channel)
    .where('sent_at', '>=', since)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export async function recordAutoAck(db: DbOrTx, channel: string, sender: string, ticketId: number, at: number): Promise<void> {
  await db.insertInto('email_auto_acks').values({ channel_name: channel, sender, ticket_id: ticketId, sent_at: at }).execute();
}
