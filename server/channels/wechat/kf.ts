import type { AppContext } from '../../context.js';
import { now } from '../../db/database.js';
import type { InboundMessage } from '../../intake/types.js';
import { findMessageByIdempotencyKey } from '../../modules/tickets/queries.js';
import { splitMedia } from '../kit/media.js';
import { fetchWechatMedia, intakeOpeningWindow } from './inbound.js';
import { threadKeyOf, type WechatChannel } from './runtime.js';

/** A callback waits this long for its sync to finish before answering; the sync goes on regardless. */
const CALLBACK_WAIT_MS = 3_000;

interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time?: number;
  /** 3 customer, 4 system event, 5 agent in the WeCom app */
  origin: number;
  msgtype: string;
  text?: { content?: string };
  image?: { media_id?: string };
  voice?: { media_id?: string };
  video?: { media_id?: string };
  file?: { media_id?: string };
  location?: { latitude?: number; longitude?: number; name?: string; address?: string };
  link?: { title?: string; desc?: string; url?: string };
  event?: { event_type?: string; external_userid?: string; welcome_code?: string; scene?: string; scene_param?: string };
}

interface SyncAnswer {
  next_cursor?: string;
  has_more?: number;
  msg_list?: KfMessage[];
}

interface Running {
  done: Promise<void>;
  again: string | null;
}

const running = new WeakMap<AppContext, Map<string, Running>>();
const nicknames = new WeakMap<WechatChannel, Map<string, string>>();

/** The callback says "there is news for this account": pull it. */
export async function onKfCallback(ctx: AppContext, channel: WechatChannel, fields: Record<string, string>): Promise<void> {
  if (fields.Event !== 'kf_msg_or_event') return;
  const openKfid = fields.OpenKfId ?? '';
  if (!channel.config.open_kfids?.includes(openKfid)) {
    ctx.logger.warn({ channel: channel.config.name, openKfid }, 'wecom callback for a customer-service account this channel does not list');
    return;
  }
  const sync = syncKf(ctx, channel, openKfid, fields.Token ?? '');
  let timer: NodeJS.Timeout | undefined;
  const wait = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, CALLBACK_WAIT_MS);
  });
  await Promise.race([sync.catch(() => undefined), wait]).finally(() => clearTimeout(timer));
}

/**
 * Pulls one account's messages from its stored cursor until WeChat has no more, saving the cursor
 * after each page is committed: a restart resumes there and nothing is fetched twice. One pull
 * per account at a time; a callback arriving meanwhile makes the running pull go round again.
 */
export function syncKf(ctx: AppContext, channel: WechatChannel, openKfid: string, token: string): Promise<void> {
  let byKey = running.get(ctx);
  if (!byKey) running.set(ctx, (byKey = new Map()));
  const key = `${channel.config.name}\u0000${openKfid}`;
  const current = byKey.get(key);
  if (current) {
    current.again = token;
    return current.done;
  }
  const state: Running = { done: Promise.resolve(), again: null };
  state.done = (async () => {
    let next: string | null = token;
    try {
      while (next !== null) {
        state.again = null;
        await pullAll(ctx, channel, openKfid, next);
        next = state.again;
      }
    } catch (err) {
      ctx.logger.error({ err, channel: channel.config.name, openKfid }, 'wecom kf sync failed');
      throw err;
    } finally {
      byKey.delete(key);
    }
  })();
  byKey.set(key, state);
  return state.done;
}

async function pullAll(ctx: AppContext, channel: WechatChannel, openKfid: string, token: string): Promise<void> {
  const name = channel.config.name;
  for (;;) {
    const row = await ctx.db
      .selectFrom('wechat_kf_cursors')
      .select('cursor')
      .where('channel_name', '=', name)
      .where('open_kfid', '=', openKfid)
      .executeTakeFirst();
    const body: Record<string, unknown> = { limit: 1000, open_kfid: openKfid };
    if (row?.cursor) body.cursor = row.cursor;
    if (token) body.token = token;
    const answer = (await channel.api.call('/cgi-bin/kf/sync_msg', body)) as SyncAnswer;
    for (const msg of answer.msg_list ?? []) await takeKfMessage(ctx, channel, msg);
    if (answer.next_cursor) {
      const at = now();
      const cursor = answer.next_cursor;
      await ctx.db
        .insertInto('wechat_kf_cursors')
        .values({ channel_name: name, open_kfid: openKfid, cursor, updated_at: at })
        .onConflict((oc) => oc.columns(['channel_name', 'open_kfid']).doUpdateSet({ cursor, updated_at: at }))
        .execute();
    }
    if (!answer.has_more) return;
  }
}

async function takeKfMessage(ctx: AppContext, channel: WechatChannel, msg: KfMessage): Promise<void> {
  if (msg.origin === 4 && msg.msgtype === 'event') return takeKfEvent(ctx, channel, msg);
  // Messages agents sent from the WeCom app (origin 5) and anything else are not the customer's.
  if (msg.origin !== 3 || !msg.external_userid) return;
  const kind = { kind: 'wechat' as const, name: channel.config.name };
  const key = `kf:${msg.msgid}`;
  if (await findMessageByIdempotencyKey(ctx.db, kind, key)) return;
  const userId = msg.external_userid;
  const { text, mediaId, meta } = describeKf(msg);
  const media = mediaId ? [await fetchWechatMedia(ctx, channel, mediaId, `${msg.msgtype}-${msg.msgid}`)] : [];
  const { attachments, skipped } = splitMedia(media);
  const message: InboundMessage = {
    channel: kind,
    sender: { identity: { kind: 'wechat', value: userId }, name: await nickname(ctx, channel, userId) },
    thread: { key: threadKeyOf(channel.config, userId, msg.open_kfid) },
    text,
    attachments,
    idempotencyKey: key,
    meta: { wechat: { msgType: msg.msgtype, msgId: msg.msgid, openKfid: msg.open_kfid, ...meta } },
  };
  await intakeOpeningWindow(ctx, channel, message, userId, (msg.send_time ?? 0) * 1000 || now(), skipped);
}

async function takeKfEvent(ctx: AppContext, channel: WechatChannel, msg: KfMessage): Promise<void> {
  const event = msg.event;
  if (event?.event_type !== 'enter_session' || !event.external_userid) return;
  // Kept as a fact with where the customer came from (scene_param of the contact link); a message
  // list fetched again finds the row and sends no second welcome.
  const recorded = await ctx.db
    .insertInto('wechat_events')
    .values({
      channel_name: channel.config.name,
      user_id: event.external_userid,
      create_time: (msg.send_time ?? 0) * 1000 || now(),
      event: `enter_session:${msg.msgid}`,
      event_key: event.scene_param || event.scene || null,
      created_at: now(),
    })
    .onConflict((oc) => oc.doNothing())
    .returning('event')
    .executeTakeFirst();
  if (!recorded || !event.welcome_code || !channel.config.welcome_message) return;
  try {
    await channel.api.call('/cgi-bin/kf/send_msg_on_event', {
      code: event.welcome_code,
      msgtype: 'text',
      text: { content: channel.config.welcome_message },
    });
  } catch (err) {
    // A welcome code is good for 20 seconds and one use; a late or repeated one is not worth a retry.
    ctx.logger.warn({ err, channel: channel.config.name }, 'wecom welcome message not sent');
  }
}

/** The customer's WeChat nickname, asked once per process; a failure leaves the name empty. */
async function nickname(ctx: AppContext, channel: WechatChannel, userId: string): Promise<string | undefined> {
  let cache = nicknames.get(channel);
  if (!cache) nicknames.set(channel, (cache = new Map()));
  const known = cache.get(userId);
  if (known !== undefined) return known || undefined;
  try {
    const answer = await channel.api.call('/cgi-bin/kf/customer/batchget', { external_userid_list: [userId] });
    const list = (answer.customer_list ?? []) as Array<{ external_userid?: string; nickname?: string }>;
    const name = list.find((c) => c.external_userid === userId)?.nickname ?? '';
    cache.set(userId, name);
    return name || undefined;
  } catch (err) {
    ctx.logger.info({ err, channel: channel.config.name }, 'wecom customer nickname unavailable');
    return undefined;
  }
}

function describeKf(msg: KfMessage): { text: string; mediaId: string | null; meta: Record<string, unknown> } {
  switch (msg.msgtype) {
    case 'text':
      return { text: msg.text?.content ?? '', mediaId: null, meta: {} };
    case 'image':
    case 'voice':
    case 'video':
    case 'file':
      return { text: '', mediaId: msg[msg.msgtype]?.media_id ?? null, meta: {} };
    case 'location': {
      const l = msg.location ?? {};
      return { text: `${l.name ?? ''} ${l.address ?? ''} (${l.latitude ?? ''}, ${l.longitude ?? ''})`.trim(), mediaId: null, meta: { location: l } };
    }
    case 'link': {
      const l = msg.link ?? {};
      return { text: [l.title, l.desc, l.url].filter(Boolean).join('\n'), mediaId: null, meta: { link: l } };
    }
    default:
      return { text: `[${msg.msgtype}]`, mediaId: null, meta: {} };
  }
}

/** Tells WeCom an agent took (3) or ended (4) the session, so the customer's state matches the desk. */
export async function transKfState(channel: WechatChannel, openKfid: string, userId: string, state: 3 | 4): Promise<void> {
  const body: Record<string, unknown> = { open_kfid: openKfid, external_userid: userId, service_state: state };
  if (state === 3) {
    if (!channel.config.servicer_userid) return;
    body.servicer_userid = channel.config.servicer_userid;
  }
  await channel.api.call('/cgi-bin/kf/service_state/trans', body);
}
