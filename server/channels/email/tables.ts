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

/** Every mail sent by email through the outbox: its stable Message-ID and how far its hand-off got. */
export interface EmailOutboundTable {
  outbox_id: number;
  channel_name: string;
  /** without angle brackets; given on the first try and reused on every retry */
  message_id: string;
  /** the ticket a reply to it belongs to; null for mail about no ticket (agent notifications) */
  ticket_id: number | null;
  /** the timeline message, for agent replies; null for Kefu's own mails */
  kefu_message_id: number | null;
  /** the server answered DATA and the body began to go out; cleared when the server refuses it */
  data_started_at: number | null;
  /** the server's 250 for the body arrived */
  accepted_at: number | null;
  created_at: number;
}

export interface EmailTables {
  email_outbound: EmailOutboundTable;
  email_message_ids: EmailMessageIdsTable;
  email_mailbox_state: EmailMailboxStateTable;
  email_auto_acks: EmailAutoAcksTable;
}
