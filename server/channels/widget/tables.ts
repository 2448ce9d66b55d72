import type { Generated } from 'kysely';

export interface WidgetVisitorsTable {
  /** random, also the value of the contact's `widget` identity */
  id: string;
  channel: string;
  /** the host site's user id, set once Kefu.identify() was verified */
  external_id: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  language: string | null;
  /** 1 when the email came with a verified identify(); a typed one is only a claim */
  email_verified: number;
  contact_id: number | null;
  created_at: number;
  last_seen_at: number;
}

export interface WidgetConversationsTable {
  /** also the intake thread key, so every message of a chat lands on one ticket */
  id: string;
  visitor_id: string;
  channel: string;
  ticket_id: number | null;
  status: 'open' | 'ended';
  /** 1 when started while nobody could answer live: answers also go by email */
  offline: number;
  visitor_read_at: number | null;
  agent_read_at: number | null;
  created_at: number;
  ended_at: number | null;
  last_message_at: number | null;
  /** a transcript goes out once per chat */
  transcript_sent_at: number | null;
}

export interface WidgetMessagesTable {
  id: Generated<number>;
  conversation_id: string;
  visitor_id: string;
  ticket_message_id: number | null;
  client_id: string | null;
  author_kind: 'visitor' | 'agent' | 'system';
  author_name: string | null;
  author_avatar: string | null;
  text: string;
  /** JSON array of WidgetAttachment */
  attachments: string;
  created_at: number;
  /** JSON WidgetBotView on an answer bot message; null otherwise */
  bot: Generated<string | null>;
}

export interface WidgetUploadsTable {
  id: string;
  visitor_id: string;
  name: string;
  content_type: string;
  size: number;
  /** the file lives content-addressed under the attachments directory */
  sha256: string;
  /** where it came from: unsent bytes are budgeted per IP */
  ip: string;
  created_at: number;
}

export interface CsatRatingsTable {
  id: Generated<number>;
  ticket_id: number;
  conversation_id: string | null;
  score: number;
  comment: string | null;
  /** when it was rated */
  created_at: number;
  source: Generated<'widget' | 'email'>;
  /** '1-5' or 'faces' (😞😐😀 stored as 1, 3, 5) */
  scale: Generated<'1-5' | 'faces'>;
  contact_id: number | null;
  /** the emailed survey it answers; unique, so a survey counts once */
  survey_id: string | null;
}

export interface WidgetTables {
  widget_visitors: WidgetVisitorsTable;
  widget_conversations: WidgetConversationsTable;
  widget_messages: WidgetMessagesTable;
  widget_uploads: WidgetUploadsTable;
  csat_ratings: CsatRatingsTable;
}
