import { now, type DbOrTx } from '../../db/database.js';

export async function saveProviderRef(db: DbOrTx, channel: { kind: string; name: string }, providerId: string, messageId: number): Promise<void> {
  await db
    .insertInto('channel_message_refs')
    .values({ channel_kind: channel.kind, channel_name: channel.name, provider_id: providerId, message_id: messageId, created_at: now() })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function messageIdByProviderRef(db: DbOrTx, channel: { kind: string; name: string }, providerId: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('channel_message_refs')
    .select('message_id')
    .where('channel_kind', '=', channel.kind)
    .where('channel_name', '=', channel.name)
    .where('provider_id', '=', providerId)
    .executeTakeFirst();
  return row?.message_id;
}

/** How many provider messages one of our messages has become so far (a reply sent in parts). */
export async function countProviderRefs(db: DbOrTx, channel: { kind: string; name: string }, messageId: number): Promise<number> {
  const row = await db
    .selectFrom('channel_message_refs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('channel_kind', '=', channel.kind)
    .where('channel_name', '=', channel.name)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
