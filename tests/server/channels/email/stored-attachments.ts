import type { AppContext } from '../../../../server/context.js';

/** What the store kept for a message's attachments, in the order they were stored. */
export function storedAttachments(ctx: AppContext, messageId: number) {
  return ctx.db
    .selectFrom('message_attachments as ma')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .select(['a.name', 'a.sha256', 'a.size'])
    .where('ma.message_id', '=', messageId)
    .orderBy('ma.attachment_id')
    .execute();
}
