import type { Generated } from 'kysely';

export interface AttachmentsTable {
  id: Generated<number>;
  /** hex sha256 of the content; the file lives at attachments/<aa>/<bb>/<sha256> */
  sha256: string;
  name: string;
  content_type: string;
  size: number;
  content_id: string | null;
  inline: Generated<number>;
  uploaded_by: number | null;
  created_at: number;
}

export interface MessageAttachmentsTable {
  message_id: number;
  attachment_id: number;
}

export interface AttachmentTables {
  attachments: AttachmentsTable;
  message_attachments: MessageAttachmentsTable;
}
