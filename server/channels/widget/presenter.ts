import { hmacHex } from '../../crypto.js';
import { httpUrlOrNull } from '../../modules/agents/avatar.js';
import type { WidgetAttachmentView, WidgetBotView, WidgetConversationView, WidgetMessageView, WidgetVisitorView } from './protocol.js';
import type { ConversationRow, VisitorRow, WidgetMessageRow } from './queries.js';

export interface StoredAttachment {
  id: number;
  name: string;
  contentType: string;
  size: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** A capability URL: whoever was shown the message may fetch its file, nobody can guess another. */
export function attachmentUrl(secret: string, channel: string, a: StoredAttachment): string {
  const sig = hmacHex(secret, `widget-file:${a.id}`).slice(0, 32);
  return `/api/v1/widget/${channel}/files/${a.id}/${encodeURIComponent(a.name)}?sig=${sig}`;
}

export const attachmentSignatureOk = (secret: string, id: number, sig: string): boolean =>
  hmacHex(secret, `widget-file:${id}`).slice(0, 32) === sig;

export function presentMessage(secret: string, channel: string, row: WidgetMessageRow): WidgetMessageView {
  const attachments = JSON.parse(row.attachments) as StoredAttachment[];
  const bot = row.bot === null ? null : (JSON.parse(row.bot) as WidgetBotView);
  return {
    id: row.id,
    conversationId: row.conversation_id,
    clientId: row.client_id,
    author: { kind: bot ? 'bot' : row.author_kind, name: row.author_name, avatarUrl: httpUrlOrNull(row.author_avatar) },
    text: row.text,
    attachments: attachments.map((a): WidgetAttachmentView => ({ ...a, url: attachmentUrl(secret, channel, a) })),
    createdAt: new Date(row.created_at).toISOString(),
    ...(bot ? { bot: { kind: bot.kind, articles: bot.articles } } : {}),
  };
}

export function presentConversation(row: ConversationRow, rated: boolean): WidgetConversationView {
  return {
    id: row.id,
    status: row.status,
    offline: row.offline === 1,
    agentReadAt: iso(row.agent_read_at),
    rated,
  };
}

export const presentVisitor = (row: VisitorRow): WidgetVisitorView => ({
  id: row.id,
  name: row.name,
  email: row.email,
  phone: row.phone,
  identified: row.external_id !== null,
  emailVerified: row.external_id !== null && row.email_verified === 1 && row.email !== null,
});
