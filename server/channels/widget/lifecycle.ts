import { removeFile } from '../../modules/attachments/storage.js';
import type { ContactDeleted, ContactMerged, TicketMerged } from '../../realtime/events.js';
import type { WidgetRuntime } from './runtime.js';
import { unsentTtlMs } from './upload-budget.js';

/** An erased contact leaves nothing behind in the widget either: visitors, chats, copies of messages, ratings. */
export async function forgetContact(rt: WidgetRuntime, event: ContactDeleted): Promise<void> {
  await rt.ctx.database.transaction(async (tx) => {
    if (event.ticketIds.length > 0) await tx.deleteFrom('csat_ratings').where('ticket_id', 'in', event.ticketIds).execute();
    // Conversations, messages and uploads go with their visitor (foreign keys cascade).
    await tx.deleteFrom('widget_visitors').where('contact_id', '=', event.contactId).execute();
  });
}

export async function followContactMerge(rt: WidgetRuntime, event: ContactMerged): Promise<void> {
  await rt.ctx.db.updateTable('widget_visitors').set({ contact_id: event.intoContactId }).where('contact_id', '=', event.contactId).execute();
}

/** Replies on the surviving ticket must still reach the visitor whose chat was merged into it. */
export async function followTicketMerge(rt: WidgetRuntime, event: TicketMerged): Promise<void> {
  await rt.ctx.database.transaction(async (tx) => {
    await tx.updateTable('widget_conversations').set({ ticket_id: event.intoTicketId }).where('ticket_id', '=', event.ticketId).execute();
    await tx.updateTable('csat_ratings').set({ ticket_id: event.intoTicketId }).where('ticket_id', '=', event.ticketId).execute();
  });
}

/**
 * Files a visitor uploaded but never sent are dropped once their channel's unsent_upload_minutes pass;
 * the file itself only when no attachment or other upload shares its content.
 */
export async function dropStaleUploads(rt: WidgetRuntime, at = Date.now()): Promise<number> {
  let dropped = 0;
  for (const ch of rt.ctx.config.channels.widget) {
    const stale = await rt.ctx.db
      .selectFrom('widget_uploads')
      .innerJoin('widget_visitors', 'widget_visitors.id', 'widget_uploads.visitor_id')
      .select(['widget_uploads.id', 'widget_uploads.sha256'])
      .where('widget_visitors.channel', '=', ch.name)
      .where('widget_uploads.created_at', '<', at - unsentTtlMs(ch))
      .limit(500)
      .execute();
    for (const row of stale) await dropUpload(rt, row);
    dropped += stale.length;
  }
  return dropped;
}

async function dropUpload(rt: WidgetRuntime, row: { id: string; sha256: string }): Promise<void> {
  await rt.ctx.db.deleteFrom('widget_uploads').where('id', '=', row.id).execute();
  const [attachment, upload] = await Promise.all([
    rt.ctx.db.selectFrom('attachments').select('id').where('sha256', '=', row.sha256).executeTakeFirst(),
    rt.ctx.db.selectFrom('widget_uploads').select('id').where('sha256', '=', row.sha256).executeTakeFirst(),
  ]);
  if (!attachment && !upload) removeFile(rt.ctx.paths.attachments, row.sha256);
}
