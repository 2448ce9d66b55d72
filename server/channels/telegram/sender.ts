import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../context.js';
import { PermanentDeliveryError, RetryLaterError, type Sender } from '../../outbox/senders.js';
import { loadOutboundReply, type OutboundFile } from '../kit/outbound.js';
import { TelegramApiError, TelegramClient } from './client.js';

/** sendMessage takes at most 4096 characters. */
const MAX_TEXT = 4096;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

export function splitText(text: string, max = MAX_TEXT): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max) > max / 2 ? rest.lastIndexOf('\n', max) : max;
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n/, '');
  }
  if (rest.trim() !== '') parts.push(rest);
  return parts;
}

async function sendFile(client: TelegramClient, chatId: string, file: OutboundFile): Promise<void> {
  const photo = PHOTO_TYPES.has(file.row.content_type);
  const form = new FormData();
  form.set('chat_id', chatId);
  form.set(photo ? 'photo' : 'document', new Blob([await readFile(file.path)], { type: file.row.content_type }), file.row.name);
  await client.upload(photo ? 'sendPhoto' : 'sendDocument', form);
}

/**
 * Telegram refusing the message itself (400: chat not found, 403: the user blocked the bot) is
 * final, with Telegram's description for the agent; 429 (not before its retry_after) and 5xx are
 * retried by the outbox.
 */
const isFinal = (err: unknown): err is TelegramApiError => err instanceof TelegramApiError && [400, 401, 403, 404].includes(err.code);

function classify(err: unknown): never {
  if (isFinal(err)) throw new PermanentDeliveryError(err.description, { cause: err });
  // Flood control: Telegram says how many seconds to wait, and trying sooner only extends the ban.
  if (err instanceof TelegramApiError && err.retryAfterSeconds !== null) {
    throw new RetryLaterError(err.message, err.retryAfterSeconds * 1000, { cause: err });
  }
  throw err;
}

/**
 * Agents' replies on Telegram tickets: the text with sendMessage, each file with sendPhoto or
 * sendDocument. A reply is several calls; when one fails, the retry starts at that call, so the
 * customer does not get the text again (remembered by this process only: a restart may repeat a part).
 */
export function createTelegramSender(ctx: AppContext): Sender {
  const partsDone = new Map<number, number>();
  return async (job) => {
    const channel = ctx.config.channels.telegram.find((c) => c.name === job.channelName);
    if (!channel) throw new PermanentDeliveryError(`no Telegram channel named "${job.channelName ?? ''}" in the configuration`);
    const { message, ticket, files, lastInbound } = await loadOutboundReply(ctx, job);
    const chatId = lastInbound?.chatId !== undefined ? String(lastInbound.chatId) : ticket.thread_key;
    if (!chatId) throw new PermanentDeliveryError('the ticket has no Telegram chat to answer in');
    const client = new TelegramClient(channel);
    const parts: Array<() => Promise<unknown>> = [
      ...splitText(message.text).map((text) => () => client.call('sendMessage', { chat_id: chatId, text })),
      ...files.map((file) => () => sendFile(client, chatId, file)),
    ];
    try {
      for (let i = partsDone.get(job.id) ?? 0; i < parts.length; i++) {
        await parts[i]?.();
        partsDone.set(job.id, i + 1);
      }
    } catch (err) {
      if (isFinal(err)) partsDone.delete(job.id);
      classify(err);
    }
    partsDone.delete(job.id);
    return { status: 'sent' };
  };
}
