/**
 * The visitor-facing wire format: REST bodies and websocket frames between the chat frame and Kefu.
 * Types only, so the web build can import it without pulling server code.
 */
export type WidgetLanguage = 'en' | 'zh-CN' | 'zh-TW';
export type PrechatFieldName = 'name' | 'email' | 'phone';

export interface WidgetAttachmentView {
  id: number;
  name: string;
  contentType: string;
  size: number;
  url: string;
}

export interface WidgetMessageView {
  id: number;
  conversationId: string;
  clientId: string | null;
  author: { kind: 'visitor' | 'agent' | 'system' | 'bot'; name: string | null; avatarUrl: string | null };
  text: string;
  attachments: WidgetAttachmentView[];
  createdAt: string;
  /** On an answer bot message only. */
  bot?: WidgetBotView;
}

/**
 * What an answer bot message carries beside its text: 'answer' (one confident article), 'offers'
 * (a few to pick from), 'handoff' (a person takes over), 'solved' (the visitor said it helped). The widget draws the article links and,
 * on the newest answer or offers, the buttons "This solved it" and "Talk to a person".
 */
export interface WidgetBotView {
  kind: 'answer' | 'offers' | 'handoff' | 'solved';
  articles: Array<{ id: number; title: string; url: string }>;
}

export interface WidgetConversationView {
  id: string;
  status: 'open' | 'ended';
  offline: boolean;
  /** visitor messages up to this time were seen by an agent */
  agentReadAt: string | null;
  rated: boolean;
}

/** A text by language; `default` is for a language not listed. */
export type LocalTexts = Record<string, string>;

export interface WidgetConfigView {
  channel: string;
  /** how the channel is called, by language */
  displayName: LocalTexts;
  /** the title in the default language; `titles` has it by language */
  title: string | null;
  titles: LocalTexts | null;
  brandColor: string;
  logoUrl: string | null;
  greeting: string | null;
  greetings: LocalTexts | null;
  prechatFields: Array<{ field: PrechatFieldName; required: boolean }>;
  language: 'auto' | WidgetLanguage;
  /** someone can answer live right now */
  online: boolean;
  offlineMode: 'ask_email' | 'hide';
  identityVerification: boolean;
  transcript: boolean;
  maxMessageChars: number;
  uploads: { maxBytes: number; types: string[] };
}

export interface WidgetVisitorView {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  identified: boolean;
  /** the email came with identify(): transcripts may go there */
  emailVerified: boolean;
}

export interface WidgetSessionView {
  token: string;
  visitor: WidgetVisitorView;
  conversation: WidgetConversationView | null;
  online: boolean;
}

export type ServerFrame =
  /** queue: where the open chat stands while it waits for an agent, as the live `queue` frames say; null otherwise */
  | { type: 'hello'; online: boolean; conversation: WidgetConversationView | null; queue: { position: number; waitMinutes: number } | null }
  | { type: 'ack'; clientId: string; message: WidgetMessageView }
  | { type: 'message'; message: WidgetMessageView }
  | { type: 'typing'; typing: boolean; name: string | null }
  | { type: 'conversation'; conversation: WidgetConversationView }
  | { type: 'status'; online: boolean }
  /** place in the team's queue (1: next) and estimated minutes; both null once no longer waiting */
  | { type: 'queue'; position: number | null; waitMinutes: number | null }
  | { type: 'error'; clientId?: string; code: string; message: string }
  | { type: 'pong' };

export type ClientFrame =
  | { type: 'message'; clientId: string; text: string; uploadIds?: string[] }
  | { type: 'typing'; typing: boolean }
  | { type: 'read' }
  /** the answer bot: ask it again (about the last message), say it solved the chat, or ask for a person */
  | { type: 'bot'; action: BotAction }
  | { type: 'ping' };

export type BotAction = 'ask' | 'solved' | 'human';
