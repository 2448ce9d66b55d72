import type { Generated } from 'kysely';

export interface EmailMessageIdsTable {
  /** without angle brackets */
  message_id: string;
  channel_name: string;
  kefu_message_id: number;
  direction: 'in' | 'out';
  created_at: number;
}

export interface EmailMailboxStateTable {
  channel_name: string;
  folder: string;
  uidvalidity: number | null;
  last_uid: Generated<number>;
  /** UIDNEXT when an unfinished first sync began; below it only mail then unread is imported. */
  first_sync_uid_next: number | null;
  connected: Generated<number>;
  last_sync_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  imported_count: Generated<number>;
  updated_at: number;
}

export interface EmailAutoAcksTable {
  id: Generated<number>;
  channel_name: string;
  sender: string;
  ticket_id: number;
  sent_at: number;
}

export interface EmailTables {
  email_message_ids: EmailMessageIdsTable;
  email_mailbox_state: EmailMailboxStateTable;
  email_auto_acks: EmailAutoAcksTable;
}
