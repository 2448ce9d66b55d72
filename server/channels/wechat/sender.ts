import { readFile } from 'node:fs/promises';
import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import { attachmentsOfMessages } from '../../modules/attachments/queries.js';
import { attachmentPath } from '../../modules/attachments/storage.js';
import { HeldDeliveryError, PermanentDeliveryError, type OutboxJob, type Sender } from '../../outbox/senders.js';
import { WechatApiError, WINDOW_ERRCODES } from './errcodes.js';
import { HELD_REASON, HELD_RECHECK_MS } from './held.js';
import { parseThreadKey, wechatChannels, type WechatChannel } from './runtime.js';
import { closeWindow, giveBackToWindow } from './window.js';

/** What WeChat's customer-service APIs accept in a reply; the composer shows the same. */
export const WECHAT_LIMITS = {
  /** custom/send and kf/send_msg refuse longer text (45002). */
  textBytes: 2048,
  imageTypes: ['image/jpeg', 'image/png', 'image/gif'],
  imageBytes: 10 * 1024 * 1024,
} as const;

type Part =
  | { type: 'text'; content: string }
  | { type: 'image'; name: string; contentType: string; sha256: string }
  | { type: 'link'; title: string; description: string; url: string; picUrl?: string | undefined };

/**
 * Delivers agent replies to WeChat customers. Each part of a reply (its text, each image) counts
 * against the window WeChat allows after the customer's last message; a reply that does not fit
 * is held, neither sent nor failed, until the customer writes again.
 */
export function createWechatSender(ctx: AppContext): Sender {
  return async (job: OutboxJob) => {
    const channel = job.channelName ? wechatChannels(ctx).get(job.channelName) : undefined;
    if (!channel) throw new PermanentDeliveryError(`WeChat channel "${job.channelName ?? ''}" is not configured`);
    if (job.messageId === null) throw new PermanentDeliveryError('nothing to send: the job names no message');
    const message = await ctx.db
      .selectFrom('messages')
      .innerJoin('tickets', 'tickets.id', 'messages.ticket_id')
      .select(['messages.text', 'messages.meta', 'tickets.thread_key'])
      .where('messages.id', '=', job.messageId)
      .executeTakeFirst();
    if (!message) throw new PermanentDeliveryError('the message is gone');
    const target = parseThreadKey(message.thread_key);
    if (!target) throw new PermanentDeliveryError('this ticket has no WeChat customer to answer');
    const parts = await partsOf(ctx, job.messageId, message.text, message.meta);
    if (parts.length === 0) return;
    if (!(await takeWindow(ctx, channel.config.name, target.userId, parts.length))) throw new HeldDeliveryError(HELD_REASON, now() + HELD_RECHECK_MS);
    let sent = 0;
    try {
      for (const part of parts) {
        await sendPart(ctx, channel, target.userId, target.openKfid, part);
        sent++;
      }
    } catch (err) {
      if (!(err instanceof WechatApiError)) throw err;
      // WeChat answered, so the parts not sent did not count against the window.
      for (let i = sent; i < parts.length; i++) await giveBackToWindow(ctx.db, channel.config.name, target.userId);
      if (WINDOW_ERRCODES.has(err.errcode)) {
        await closeWindow(ctx.db, channel.config.name, target.userId);
        throw new HeldDeliveryError(`${HELD_REASON}; ${err.message}`, now() + HELD_RECHECK_MS);
      }
      if (err.errcode === -1) throw err;
      throw new PermanentDeliveryError(err.message, { cause: err });
    }
  };
}

/** Takes `count` places from the window at once, so a reply is never half sent for want of quota. */
async function takeWindow(ctx: AppContext, channel: string, userId: string, count: number): Promise<boolean> {
  const at = now();
  const row = await ctx.db
    .updateTable('wechat_windows')
    .set((eb) => ({ quota_remaining: eb('quota_remaining', '-', count), updated_at: at }))
    .where('channel_name', '=', channel)
    .where('user_id', '=', userId)
    .where('window_expires_at', '>', at)
    .where('quota_remaining', '>=', count)
    .returning('quota_remaining')
    .executeTakeFirst();
  return row !== undefined;
}

async function partsOf(ctx: AppContext, messageId: number, text: string, metaJson: string): Promise<Part[]> {
  const parts: Part[] = [];
  const link = (JSON.parse(metaJson || '{}') as { wechatLink?: { title?: string; description?: string; url?: string; picUrl?: string } }).wechatLink;
  // A link card's text is its title and address written out for the timeline; the card says it all.
  if (link?.url && link.title) return [{ type: 'link', title: link.title, description: link.description ?? '', url: link.url, picUrl: link.picUrl }];
  if (text.trim() !== '') {
    if (Buffer.byteLength(text, 'utf8') > WECHAT_LIMITS.textBytes) {
      throw new PermanentDeliveryError(`WeChat takes at most ${WECHAT_LIMITS.textBytes} bytes of text in one message`);
    }
    parts.push({ type: 'text', content: text });
  }
  const files = (await attachmentsOfMessages(ctx.db, [messageId])).get(messageId) ?? [];
  for (const f of files) {
    if (!(WECHAT_LIMITS.imageTypes as readonly string[]).includes(f.content_type) || f.size > WECHAT_LIMITS.imageBytes) {
      throw new PermanentDeliveryError(`WeChat replies carry JPEG, PNG or GIF images up to 10 MB; "${f.name}" is not one`);
    }
    parts.push({ type: 'image', name: f.name, contentType: f.content_type, sha256: f.sha256 });
  }
  return parts;
}

async function sendPart(ctx: AppContext, channel: WechatChannel, userId: string, openKfid: string | null, part: Part): Promise<void> {
  let body: Record<string, unknown>;
  if (part.type === 'text') body = { msgtype: 'text', text: { content: part.content } };
  else if (part.type === 'image') {
    const content = await readFile(attachmentPath(ctx.paths.attachments, part.sha256));
    const mediaId = await channel.api.uploadMedia('image', { content, contentType: part.contentType, filename: part.name });
    body = { msgtype: 'image', image: { media_id: mediaId } };
  } else if (openKfid !== null) {
    body = { msgtype: 'link', link: { title: part.title, desc: part.description, url: part.url } };
  } else {
    body = { msgtype: 'news', news: { articles: [{ title: part.title, description: part.description, url: part.url, picurl: part.picUrl }] } };
  }
  if (openKfid !== null) await channel.api.call('/cgi-bin/kf/send_msg', { touser: userId, open_kfid: openKfid, ...body });
  else await channel.api.call('/cgi-bin/message/custom/send', { touser: userId, ...body });
}
