import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { InboundMessage, IntakeResult } from '../../intake/types.js';
import { maxAttachmentBytes } from '../../modules/attachments/service.js';
import { findMessageByIdempotencyKey } from '../../modules/tickets/queries.js';
import { recordChannelLine } from '../kit/channel-line.js';
import { commitInbound } from '../kit/commit.js';
import { skippedMedia, splitMedia, type MediaResult, type SkippedMedia } from '../kit/media.js';
import { wakeHeldReplies } from './held.js';
import { threadKeyOf, type WechatChannel } from './runtime.js';
import { closeWindow, openWindow } from './window.js';

export type PushOutcome = 'stored' | 'duplicate' | 'event' | 'ignored';

/** Events that let the business answer for a short while (follow, menu click, QR scan). */
const WINDOW_EVENTS = new Set(['subscribe', 'click', 'scan', 'view', 'scancode_push', 'scancode_waitmsg']);

const MEDIA_EXTENSIONS: Record<string, string> = { image: 'jpg', voice: 'amr', video: 'mp4', shortvideo: 'mp4' };

/**
 * One decrypted Official Account push: a customer message goes through intake (deduplicated by
 * MsgId) and opens the send window; an event is kept as a fact about the customer (deduplicated
 * by sender and time). Resolves only once everything is committed.
 */
export async function takePush(ctx: AppContext, channel: WechatChannel, fields: Record<string, string>): Promise<PushOutcome> {
  const openid = fields.FromUserName ?? '';
  const type = (fields.MsgType ?? '').toLowerCase();
  const createdAt = Number(fields.CreateTime ?? 0) * 1000 || now();
  if (openid === '' || type === '') return 'ignored';
  if (type === 'event') return takeEvent(ctx, channel, openid, createdAt, fields);

  const msgId = fields.MsgId ?? fields.MsgID ?? '';
  const key = msgId !== '' ? `msg:${msgId}` : `msg:${openid}:${fields.CreateTime ?? ''}`;
  const kind = { kind: 'wechat' as const, name: channel.config.name };
  const { text, meta, mediaId } = describe(type, fields);
  // A retried push skips the media download: WeChat retries because it is in a hurry. (Intake itself
  // stores a repeated key once, so text needs no look of its own.)
  if (mediaId && (await findMessageByIdempotencyKey(ctx.db, kind, key))) return 'duplicate';
  const ext = MEDIA_EXTENSIONS[type] ?? 'bin';
  const media = mediaId ? [await fetchWechatMedia(ctx, channel, mediaId, `${type}-${msgId || mediaId}.${ext}`)] : [];
  const { attachments, skipped } = splitMedia(media);
  const message: InboundMessage = {
    channel: kind,
    sender: { identity: { kind: 'wechat', value: openid } },
    thread: { key: threadKeyOf(channel.config, openid) },
    text,
    attachments,
    idempotencyKey: key,
    meta: { wechat: { msgType: type, msgId, ...meta } },
  };
  const result = await intakeOpeningWindow(ctx, channel, message, openid, createdAt, skipped);
  return result.created ? 'stored' : 'duplicate';
}

/**
 * A customer's file by its MediaId; one WeChat will not hand over is listed on the message as
 * skipped, with WeChat's reason, and the message is kept.
 */
export async function fetchWechatMedia(ctx: AppContext, channel: WechatChannel, mediaId: string, name: string): Promise<MediaResult> {
  try {
    return await channel.api.getMedia(mediaId, name, maxAttachmentBytes(ctx));
  } catch (err) {
    ctx.logger.warn({ err, channel: channel.config.name, mediaId }, 'wechat media could not be fetched');
    return skippedMedia(name, 0, 'unavailable', err instanceof Error ? err.message : String(err));
  }
}

/** Intake, with the customer's new send window in the same transaction; then their held replies go out. */
export async function intakeOpeningWindow(
  ctx: AppContext,
  channel: WechatChannel,
  message: InboundMessage,
  userId: string,
  writtenAt: number,
  skipped: SkippedMedia[] = [],
): Promise<IntakeResult> {
  const result = await commitInbound(ctx, message, skipped, async (tx, stored) => {
    if (stored.created) await openWindow(tx, channel.config.name, userId, 'message', writtenAt);
  });
  if (result.created && (await wakeHeldReplies(ctx.db, channel.config.name, result.contactId)) > 0) ctx.outbox.nudge();
  return result;
}

async function takeEvent(
  ctx: AppContext,
  channel: WechatChannel,
  openid: string,
  createdAt: number,
  fields: Record<string, string>,
): Promise<PushOutcome> {
  const event = (fields.Event ?? '').toLowerCase();
  const name = channel.config.name;
  await ctx.database.transaction(async (tx) => {
    const inserted = await tx
      .insertInto('wechat_events')
      .values({ channel_name: name, user_id: openid, create_time: createdAt, event, event_key: fields.EventKey || null, created_at: now() })
      .onConflict((oc) => oc.doNothing())
      .returning('event')
      .executeTakeFirst();
    if (!inserted) return;
    if (event === 'unsubscribe') await closeWindow(tx, name, openid);
    else if (WINDOW_EVENTS.has(event)) await openWindow(tx, name, openid, 'event', createdAt);
  });
  // After the fact is stored; keyed, so a push retried after a crash here still adds its line once.
  const line = eventLine(event, fields.EventKey ?? '');
  if (line) {
    await recordChannelLine(ctx, { kind: 'wechat', name }, threadKeyOf(channel.config, openid), {
      key: `event:${openid}:${createdAt}:${event}`,
      ...line,
    });
  }
  return 'event';
}

/** The line agents read on the customer's open ticket; scans and other events stay facts only. */
function eventLine(event: string, key: string): { text: string; meta: { event: string; key?: string } } | null {
  switch (event) {
    case 'subscribe':
      return { text: 'Followed the Official Account', meta: { event: 'wechat.subscribe' } };
    case 'unsubscribe':
      return { text: 'Unfollowed the Official Account', meta: { event: 'wechat.unsubscribe' } };
    case 'click':
      return { text: `Tapped menu: ${key}`, meta: { event: 'wechat.menu', key } };
    case 'view':
      return { text: `Opened menu link: ${key}`, meta: { event: 'wechat.menu_link', key } };
    default:
      return null;
  }
}

/** The text an agent reads for each message type; media is fetched separately. */
function describe(type: string, f: Record<string, string>): { text: string; meta: Record<string, unknown>; mediaId: string | null } {
  switch (type) {
    case 'text':
      return { text: f.Content ?? '', meta: {}, mediaId: null };
    case 'image':
      return { text: '', meta: { picUrl: f.PicUrl }, mediaId: f.MediaId || null };
    case 'voice':
      // WeChat's own speech recognition, when the account has it switched on.
      return { text: f.Recognition ?? '', meta: { format: f.Format }, mediaId: f.MediaId || null };
    case 'video':
    case 'shortvideo':
      return { text: '', meta: { thumbMediaId: f.ThumbMediaId }, mediaId: f.MediaId || null };
    case 'location': {
      const lat = f.Location_X ?? '';
      const lng = f.Location_Y ?? '';
      return { text: `${f.Label ?? ''} (${lat}, ${lng})`.trim(), meta: { location: { lat, lng, scale: f.Scale, label: f.Label } }, mediaId: null };
    }
    case 'link':
      return { text: [f.Title, f.Description, f.Url].filter(Boolean).join('\n'), meta: { link: { title: f.Title, url: f.Url } }, mediaId: null };
    default:
      return { text: `[${type}]`, meta: {}, mediaId: null };
  }
}
