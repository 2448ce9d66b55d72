import type { Generated, GeneratedAlways } from 'kysely';

export type TicketStatus = 'open' | 'pending' | 'snoozed' | 'resolved' | 'closed';
export type TicketPriority = 'low' | 'normal' | 'high' | 'urgent';
export type MessageKind = 'inbound' | 'outbound' | 'note' | 'system' | 'bot';
export type AuthorKind = 'contact' | 'agent' | 'bot' | 'system';
export type DeliveryStatus = 'queued' | 'sent' | 'delivered' | 'read' | 'failed';

export interface TicketsTable {
  id: Generated<number>;
  /** human number, #1001 upward */
  number: number;
  subject: Generated<string>;
  status: TicketStatus;
  snoozed_until: number | null;
  priority: TicketPriority;
  /** derived from priority by SQLite: urgent 3, high 2, normal 1, low 0 */
  priority_rank: GeneratedAlways<number>;
  channel_kind: string;
  channel_name: string;
  /** channel-native conversation id (widget conversation), for intake threading */
  thread_key: string | null;
  contact_id: number;
  assignee_id: number | null;
  team_id: number | null;
  /** JSON object */
  custom_fields: Generated<string>;
  created_at: number;
  updated_at: number;
  last_activity_at: number;
  first_response_at: number | null;
  resolved_at: number | null;
  reopen_count: Generated<number>;
  merged_into_id: number | null;
  message_count: Generated<number>;
  last_message_preview: string | null;
  last_message_kind: MessageKind | null;
  last_message_at: number | null;
  /** Written by the SLA module (server/modules/sla) whenever a clock is re-computed. */
  sla_policy_id: Generated<number | null>;
  first_response_due_at: Generated<number | null>;
  next_response_due_at: Generated<number | null>;
  resolution_due_at: Generated<number | null>;
  /** the soonest due time of a running clock: what the list sorts and badges by */
  sla_due_at: Generated<number | null>;
  sla_warn_at: Generated<number | null>;
  /** 1 while a clock is breached and not yet met */
  sla_breached: Generated<number>;
  /** Report metrics (server/modules/reports), kept by the writes that change them; seconds. */
  first_response_seconds: Generated<number | null>;
  first_responder_id: Generated<number | null>;
  /** public agent replies; rule auto-replies and notes are not */
  agent_reply_count: Generated<number>;
  /** the first inbound message still waiting for an agent's reply (ms) */
  awaiting_since: Generated<number | null>;
  /** waits answered after the first response: their sum and how many */
  next_response_seconds_total: Generated<number>;
  next_response_count: Generated<number>;
  /** created → the latest resolution */
  resolution_seconds: Generated<number | null>;
  resolved_by_id: Generated<number | null>;
  last_reopened_at: Generated<number | null>;
  /** 1 when the visitor ended a chat before any agent answered */
  chat_missed: Generated<number>;
  /** 1 while the answer bot handles the chat: assignment leaves it alone (server/modules/bot) */
  bot_active: Generated<number>;
  /** 1 when the visitor said the bot's answer solved it before any agent wrote */
  bot_deflected: Generated<number>;
  /** 1 once the answer bot took the chat, even if it later handed over: deflection's denominator */
  bot_handled: Generated<number>;
}

export interface TicketLabelsTable {
  ticket_id: number;
  label_id: number;
}

export interface TicketLinksTable {
  id: Generated<number>;
  ticket_id: number;
  linked_ticket_id: number;
  /** follow_up: ticket_id was opened because linked_ticket_id was closed; merged: ticket_id was merged into linked */
  kind: 'follow_up' | 'merged';
  created_at: number;
}

export interface TicketReadsTable {
  agent_id: number;
  ticket_id: number;
  read_at: number;
}

export interface MessagesTable {
  id: Generated<number>;
  ticket_id: number;
  kind: MessageKind;
  author_kind: AuthorKind;
  author_id: number | null;
  author_name: string;
  text: string;
  html: string | null;
  channel_kind: string;
  channel_name: string;
  /** unique per channel (kind + name) when present */
  idempotency_key: string | null;
  delivery_status: DeliveryStatus | null;
  delivery_error: string | null;
  delivery_updated_at: number | null;
  /** JSON array of agent ids */
  mentions: Generated<string>;
  /** JSON object */
  meta: Generated<string>;
  created_at: number;
}

export interface TicketTables {
  tickets: TicketsTable;
  ticket_labels: TicketLabelsTable;
  ticket_links: TicketLinksTable;
  ticket_reads: TicketReadsTable;
  messages: MessagesTable;
}
