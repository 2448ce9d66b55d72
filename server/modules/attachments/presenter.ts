import type { AttachmentView } from './schemas.js';
import type { AttachmentRow } from './queries.js';

export const attachmentUrl = (row: { id: number; name: string }): string =>
  `/api/v1/attachments/${row.id}/${encodeURIComponent(row.name)}`;

export const presentAttachment = (row: AttachmentRow): AttachmentView => ({
  id: row.id,
  name: row.name,
  contentType: row.content_type,
  size: row.size,
  url: attachmentUrl(row),
});
