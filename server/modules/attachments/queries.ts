import { sql, type Insertable, type Selectable } from 'kysely';
import type { DbOrTx } from '../../db/database.js';
import { inJsonIntegers } from '../../db/dialect-sql.js';
import { prepared } from '../../db/prepared.js';
import type { AttachmentsTable } from './tables.js';

export type AttachmentRow = Selectable<AttachmentsTable>;

export async function insertAttachment(db: DbOrTx, values: Insertable<AttachmentsTable>): Promise<AttachmentRow> {
  return db.insertInto('attachments').values(values).returningAll().executeTakeFirstOrThrow();
}

export const findAttachment = (db: DbOrTx, id: number): Promise<AttachmentRow | undefined> =>
  db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();

export async function linkAttachments(db: DbOrTx, messageId: number, attachmentIds: number[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  await db
    .insertInto('message_attachments')
    .values(attachmentIds.map((attachment_id) => ({ message_id: messageId, attachment_id })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

// Every opened ticket asks for its page of messages: one statement for any number of them, where
// an IN list of 100 ids was built, compiled and prepared afresh per page size.
const attachmentsOfMessageList = prepared((db: DbOrTx, p: { ids: string }) =>
  db
    .selectFrom('message_attachments')
    .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
    .selectAll('attachments')
    .select('message_attachments.message_id')
    .where(inJsonIntegers(db, sql`message_attachments.message_id`, p.ids))
    .orderBy('attachments.id'),
);

/** Attachments per message, in upload order. */
export async function attachmentsOfMessages(
  db: DbOrTx,
  messageIds: number[],
): Promise<Map<number, AttachmentRow[]>> {
  const byMessage = new Map<number, AttachmentRow[]>();
  if (messageIds.length === 0) return byMessage;
  const rows = await attachmentsOfMessageList.all(db, { ids: JSON.stringify(messageIds) });
  for (const { message_id, ...row } of rows) {
    const list = byMessage.get(message_id) ?? [];
    list.push(row);
    byMessage.set(message_id, list);
  }
  return byMessage;
}

/** Tickets whose messages carry this attachment. */
export async function ticketsOfAttachment(
  db: DbOrTx,
  attachmentId: number,
): Promise<Array<{ id: number; assignee_id: number | null; team_id: number | null }>> {
  return db
    .selectFrom('message_attachments')
    .innerJoin('messages', 'messages.id', 'message_attachments.message_id')
    .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
    .select(['tickets.id', 'tickets.assignee_id', 'tickets.team_id'])
    .where('message_attachments.attachment_id', '=', attachmentId)
    .execute();
}

/** Of these hashes, those no attachment row points at any more: their files may go. */
export async function unreferencedHashes(db: DbOrTx, hashes: string[]): Promise<string[]> {
  if (hashes.length === 0) return [];
  const rows = await db.selectFrom('attachments').select('sha256').distinct().where('sha256', 'in', hashes).execute();
  const used = new Set(rows.map((r) => r.sha256));
  return [...new Set(hashes)].filter((h) => !used.has(h));
}
