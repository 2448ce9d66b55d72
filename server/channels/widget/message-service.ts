import { readFileSync } from 'node:fs';
import { randomToken } from '../../crypto.js';
import { now, type DbOrTx } from '../../db/database.js';
import { BadRequest, NotFound } from '../../http/errors.js';
import type { Identity, InboundAttachment, InboundMessage } from '../../intake/types.js';
import type { WidgetChannelConfig } from './config-schema.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { holdForBot } from '../../modules/bot/service.js';
import { presentMessage, type StoredAttachment } from './presenter.js';
import type { WidgetMessageView } from './protocol.js';
import {
  insertConversation,
  insertWidgetMessage,
  messageByClientId,
  openConversation,
  touchConversation,
  updateVisitor,
  visitorMessages,
  type ConversationRow,
  type VisitorRow,
  type WidgetMessageRow,
} from './queries.js';
import type { WidgetRuntime } from './runtime.js';

export interface SendInput {
  clientId: string;
  text: string;
  uploadIds?: string[] | undefined;
}

export interface SendResult {
  message: WidgetMessageView;
  /** true when this client id was sent before: nothing new was stored */
  duplicate: boolean;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * Stores a visitor message through intake, exactly once per client id, in arrival order per visitor.
 * Checks run before anything is written, so a refused message leaves nothing behind.
 */
export async function sendVisitorMessage(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  input: SendInput,
  ip: string,
): Promise<SendResult> {
  // async, so a refusal is a rejected promise the caller answers, never a throw out of a socket listener.
  if (!CLIENT_ID.test(input.clientId)) throw new BadRequest('Invalid client message id.', { field: 'clientId' });
  const text = input.text.replace(/\r\n/g, '\n').trim();
  const uploadIds = input.uploadIds ?? [];
  if (text.length > ch.max_message_chars) {
    throw new BadRequest(`Messages are limited to ${ch.max_message_chars} characters.`, { field: 'text' }, 'message_too_long');
  }
  if (!text && uploadIds.length === 0) throw new BadRequest('The message is empty.', { field: 'text' }, 'message_empty');
  if (uploadIds.length > 10) throw new BadRequest('At most 10 files per message.', { field: 'uploadIds' });

  return rt.serial(visitor.id, async () => {
    const existing = await messageByClientId(rt.ctx.db, visitor.id, input.clientId);
    if (existing) return { message: presentMessage(rt.ctx.secret, ch.name, existing), duplicate: true };
    await rt.limit(ch, 'visitorMessages', visitor.id);
    await rt.limit(ch, 'ipMessages', ip);
    const message = await storeVisitorMessage(rt, ch, visitor, { clientId: input.clientId, text, uploadIds });
    return { message, duplicate: false };
  });
}

async function storeVisitorMessage(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  input: { clientId: string; text: string; uploadIds: string[] },
): Promise<WidgetMessageView> {
  const db = rt.ctx.db;
  const uploads = await loadUploads(rt, visitor.id, input.uploadIds);
  const open = await openConversation(db, visitor.id);
  const conversationId = open?.id ?? `c_${randomToken(12)}`;
  let row: WidgetMessageRow | undefined;
  // The chat's own rows commit with the ticket message: a crash never leaves one without the other.
  await rt.deps.intake(
    {
      channel: { kind: 'widget', name: ch.name },
      sender: visitorSender(ch, visitor),
      thread: { key: conversationId },
      subject: subjectFrom(input.text, uploads),
      text: input.text,
      attachments: uploads.map((u) => u.attachment),
      idempotencyKey: `${visitor.id}:${input.clientId}`,
      meta: { widget: { conversationId, clientId: input.clientId, visitorId: visitor.id } },
    },
    async (tx, result) => {
      const at = now();
      const attachments = uploads.length > 0 ? await messageAttachments(tx, result.messageId) : [];
      if (!open) {
        await insertConversation(tx, newConversation(rt, ch, visitor, conversationId, result.ticketId, at));
        // A new chat is the answer bot's first (when its widget has it on) before any agent's.
        await holdForBot(tx, ch.name, result.ticketId);
      }
      else await touchConversation(tx, open.id, result.ticketId, at);
      if (visitor.contact_id !== result.contactId) await updateVisitor(tx, visitor.id, { contact_id: result.contactId });
      if (uploads.length > 0) {
        await tx.deleteFrom('widget_uploads').where('id', 'in', uploads.map((u) => u.id)).execute();
      }
      row = await insertWidgetMessage(tx, {
        conversation_id: conversationId,
        visitor_id: visitor.id,
        ticket_message_id: result.messageId,
        client_id: input.clientId,
        author_kind: 'visitor',
        author_name: visitor.name,
        author_avatar: null,
        text: input.text,
        attachments: JSON.stringify(attachments),
        created_at: at,
        bot: null,
      });
    },
  );
  if (!row) throw new Error('intake did not store the widget message');
  return presentMessage(rt.ctx.secret, ch.name, row);
}

function newConversation(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  id: string,
  ticketId: number,
  at: number,
): ConversationRow {
  return {
    id,
    visitor_id: visitor.id,
    channel: ch.name,
    ticket_id: ticketId,
    status: 'open',
    offline: rt.online(ch) ? 0 : 1,
    visitor_read_at: null,
    agent_read_at: null,
    created_at: at,
    ended_at: null,
    last_message_at: at,
    transcript_sent_at: null,
  };
}

/**
 * Only an email proved by identify() may find or join a contact; what the visitor typed (email, phone)
 * stays a claim on their own contact, or a stranger could take over a customer's profile by typing it.
 */
function visitorSender(ch: WidgetChannelConfig, visitor: VisitorRow): InboundMessage['sender'] {
  const proven = visitor.email_verified === 1 && visitor.external_id !== null ? (visitor.email ?? undefined) : undefined;
  return {
    identity: visitorIdentity(ch, visitor),
    name: visitor.name ?? undefined,
    email: proven,
    language: visitor.language ?? undefined,
    claims: { email: proven ? undefined : (visitor.email ?? undefined), phone: visitor.phone ?? undefined },
  };
}

/** A verified host-site user keeps one contact across devices; an anonymous visitor is their browser. */
export function visitorIdentity(ch: WidgetChannelConfig, visitor: VisitorRow): Identity {
  return visitor.external_id ? { kind: 'external', value: `${ch.name}:${visitor.external_id}` } : { kind: 'widget', value: visitor.id };
}

function subjectFrom(text: string, uploads: Array<{ attachment: InboundAttachment }>): string {
  const firstLine = text.split('\n')[0]?.trim() ?? '';
  if (firstLine) return firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
  return uploads[0]?.attachment.filename ?? 'Chat';
}

async function loadUploads(
  rt: WidgetRuntime,
  visitorId: string,
  ids: string[],
): Promise<Array<{ id: string; attachment: InboundAttachment }>> {
  if (ids.length === 0) return [];
  const rows = await rt.ctx.db
    .selectFrom('widget_uploads')
    .selectAll()
    .where('visitor_id', '=', visitorId)
    .where('id', 'in', ids)
    .execute();
  if (rows.length !== new Set(ids).size) throw new NotFound('upload');
  return ids.map((id) => {
    const row = rows.find((r) => r.id === id);
    if (!row) throw new NotFound('upload');
    const content = readFileSync(attachmentPath(rt.ctx.paths.attachments, row.sha256));
    return { id, attachment: { filename: row.name, contentType: row.content_type, content } };
  });
}

export async function messageAttachments(db: DbOrTx, ticketMessageId: number): Promise<StoredAttachment[]> {
  const rows = await db
    .selectFrom('message_attachments')
    .innerJoin('attachments', 'attachments.id', 'message_attachments.attachment_id')
    .select(['attachments.id', 'attachments.name', 'attachments.content_type', 'attachments.size'])
    .where('message_attachments.message_id', '=', ticketMessageId)
    .orderBy('attachments.id')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, contentType: r.content_type, size: r.size }));
}

/** The visitor's own history, newest page first; a visitor never reads anyone else's messages. */
export async function history(
  rt: WidgetRuntime,
  ch: WidgetChannelConfig,
  visitor: VisitorRow,
  opts: { beforeId?: number | undefined; limit: number },
): Promise<{ items: WidgetMessageView[]; hasMore: boolean }> {
  const rows = await visitorMessages(rt.ctx.db, visitor.id, { beforeId: opts.beforeId, limit: opts.limit + 1 });
  const page = rows.slice(0, opts.limit).reverse();
  return { items: page.map((r) => presentMessage(rt.ctx.secret, ch.name, r)), hasMore: rows.length > opts.limit };
}
