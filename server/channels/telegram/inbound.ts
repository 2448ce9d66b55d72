import { sql } from 'kysely';
import type { AppContext } from '../../context.js';
import { jsonSetText, jsonTextField } from '../../db/dialect-sql.js';
import type { Alongside } from '../../intake/intake.js';
import { BadRequest } from '../../http/errors.js';
import type { InboundMessage } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { recordChannelLine } from '../kit/channel-line.js';
import { alreadyStored, commitInbound } from '../kit/commit.js';
import { splitMedia } from '../kit/media.js';
import { TelegramClient } from './client.js';
import type { TelegramChannelConfig } from './config-schema.js';
import { fetchMedia, mediaOf } from './media.js';
import type { TgLocation, TgMessage, TgUpdate } from './types.js';

export type UpdateOutcome =
  | { kind: 'stored'; ticketId: number; messageId: number; created: boolean }
  | { kind: 'edited'; ticketId: number | null }
  | { kind: 'ignored'; reason: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function messageProblem(m: unknown, at: string): string | null {
  if (!isObject(m)) return `${at}: expected an object`;
  if (typeof m.message_id !== 'number') return `${at}.message_id: expected a number`;
  if (!isObject(m.chat) || typeof m.chat.id !== 'number') return `${at}.chat.id: expected a number`;
  if (m.from !== undefined && (!isObject(m.from) || typeof m.from.id !== 'number')) return `${at}.from.id: expected a number`;
  if (m.text !== undefined && typeof m.text !== 'string') return `${at}.text: expected a string`;
  return null;
}

/** The update, or a 400 saying what is wrong with it. Fields this channel does not read are not checked. */
export function parseUpdate(body: unknown): TgUpdate {
  if (!isObject(body) || typeof body.update_id !== 'number') throw new BadRequest('update_id: expected a number', { field: 'update_id' }, 'invalid_update');
  for (const key of ['message', 'edited_message'] as const) {
    if (body[key] === undefined) continue;
    const problem = messageProblem(body[key], key);
    if (problem) throw new BadRequest(problem, undefined, 'invalid_update');
  }
  return body as unknown as TgUpdate;
}

const fullName = (m: TgMessage): string | undefined =>
  [m.from?.first_name ?? m.chat.first_name, m.from?.last_name ?? m.chat.last_name].filter(Boolean).join(' ').trim() || m.chat.title || undefined;

const mapLink = (l: TgLocation): string => `https://maps.google.com/?q=${l.latitude},${l.longitude}`;

/** What a message without text shares, in words an agent reads at a glance (a location as a map link, like WhatsApp's). */
function sharedText(m: TgMessage): string {
  if (m.venue) return `${[m.venue.title, m.venue.address].filter(Boolean).join(', ')}\n${mapLink(m.venue.location)}`;
  if (m.location) return mapLink(m.location);
  if (m.contact) {
    const name = [m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ');
    return `Contact: ${[name, m.contact.phone_number].filter(Boolean).join(', ')}`;
  }
  if (m.poll) return [`Poll: ${m.poll.question}`, ...m.poll.options.map((o) => `- ${o.text}`)].join('\n');
  return '';
}

/** What the message says: its text, a caption, a sticker's emoji, or what it shares. */
const textOf = (m: TgMessage): string => m.text ?? m.caption ?? m.sticker?.emoji ?? sharedText(m);

export function toInbound(channel: TelegramChannelConfig, m: TgMessage): InboundMessage {
  const userId = String(m.from?.id ?? m.chat.id);
  const username = m.from?.username ?? m.chat.username;
  return {
    channel: { kind: 'telegram', name: channel.name },
    sender: { identity: { kind: 'telegram', value: userId }, name: fullName(m), language: m.from?.language_code },
    // One conversation per chat: a reply goes back to the chat the customer wrote in.
    thread: { key: String(m.chat.id) },
    text: textOf(m),
    // message_id is unique within its chat; a redelivered update carries the same one.
    idempotencyKey: `${m.chat.id}:${m.message_id}`,
    receivedAt: m.date * 1000,
    meta: { chatId: m.chat.id, chatType: m.chat.type, telegramMessageId: m.message_id, userId, ...(username ? { username } : {}) },
  };
}

/**
 * The @username on the contact's attributes, where agents see it, in the message's transaction.
 * Only when it changed: a chatty customer does not rewrite their contact on every message.
 */
const keepUsername =
  (username: string | undefined): Alongside =>
  async (tx, stored) => {
    if (!username || !stored.created) return;
    await tx
      .updateTable('contacts')
      .set({ attributes: jsonSetText(tx, sql`attributes`, 'telegram_username', username) })
      .where('id', '=', stored.contactId)
      .where(sql<boolean>`coalesce(${jsonTextField(tx, sql`attributes`, 'telegram_username')}, '') != ${username}`)
      .execute();
  };

async function storeMessage(ctx: AppContext, channel: TelegramChannelConfig, m: TgMessage): Promise<UpdateOutcome> {
  const client = new TelegramClient(channel);
  const limit = maxAttachmentBytes(ctx);
  const msg = toInbound(channel, m);
  const media = mediaOf(m);
  const refs = media.length > 0 && !(await alreadyStored(ctx, msg.channel, msg.idempotencyKey)) ? media : [];
  const files = await Promise.all(refs.map((ref) => fetchMedia(client, ref, limit)));
  const { attachments, skipped } = splitMedia(files);
  // The subject of a ticket started by a photo alone says what came in.
  const subject = msg.text.trim() === '' ? (attachments[0]?.filename ?? skipped[0]?.name) : undefined;
  const username = m.from?.username ?? m.chat.username;
  const result = await commitInbound(ctx, { ...msg, subject, attachments }, skipped, keepUsername(username));
  return { kind: 'stored', ticketId: result.ticketId, messageId: result.messageId, created: result.created };
}

/** An edit is a line on the timeline under the conversation's ticket, not a new customer message. */
async function recordEdit(ctx: AppContext, channel: TelegramChannelConfig, m: TgMessage): Promise<UpdateOutcome> {
  const text = textOf(m);
  const line = await recordChannelLine(ctx, { kind: 'telegram', name: channel.name }, String(m.chat.id), {
    key: `edit:${m.chat.id}:${m.message_id}:${m.edit_date ?? m.date}`,
    text: `Edited a message: ${text}`,
    meta: { event: 'message.edited', text, telegramMessageId: m.message_id },
  });
  return { kind: 'edited', ticketId: line?.ticketId ?? null };
}

/** One webhook update, committed before it resolves; updates this channel does not handle are acknowledged and dropped. */
export async function receiveUpdate(ctx: AppContext, channel: TelegramChannelConfig, body: unknown): Promise<UpdateOutcome> {
  const update = parseUpdate(body);
  if (update.message) return storeMessage(ctx, channel, update.message);
  if (update.edited_message) return recordEdit(ctx, channel, update.edited_message);
  return { kind: 'ignored', reason: 'no message in the update' };
}
