import type { AppContext } from '../../context.js';
import type { Viewer } from '../../modules/tickets/policy.js';
import { visibleTicket } from '../../modules/tickets/policy.js';
import { NotFound } from '../../http/errors.js';
import { parseThreadKey, wechatChannels } from './runtime.js';
import { WECHAT_LIMITS } from './sender.js';
import { readWindow } from './window.js';

export interface WechatChannelItem {
  kind: 'wechat';
  name: string;
  /** official_account or wecom_kf */
  wechatKind: string;
  /** What to paste into the console's server configuration. */
  serverUrl: string;
  token: string;
  encrypted: boolean;
  state: { connected: boolean; lastSyncAt: string | null; lastError: string | null };
}

/** Each WeChat channel for the admin page; "connected" means an access_token is at hand. */
export async function wechatChannelItems(ctx: AppContext): Promise<WechatChannelItem[]> {
  const out: WechatChannelItem[] = [];
  for (const channel of wechatChannels(ctx).values()) {
    const row = await ctx.db.selectFrom('wechat_tokens').select(['expires_at', 'fetched_at']).where('channel_name', '=', channel.config.name).executeTakeFirst();
    const connected = row !== undefined && row.expires_at > Date.now();
    out.push({
      kind: 'wechat',
      name: channel.config.name,
      wechatKind: channel.config.kind,
      serverUrl: `${ctx.config.server.public_url}/webhooks/wechat/${channel.config.name}`,
      token: channel.config.token,
      encrypted: channel.cipher !== null,
      state: { connected, lastSyncAt: row ? new Date(row.fetched_at).toISOString() : null, lastError: null },
    });
  }
  return out;
}

export interface WechatWindowView {
  /** null: the customer has not written yet (or not since Kefu knew them). */
  window: { expiresAt: string; remaining: number; openedBy: string; open: boolean } | null;
  /** Replies waiting for the customer to write. */
  held: number;
  limits: { textBytes: number; attachmentTypes: string[]; attachmentBytes: number };
}

/** What the composer shows for a WeChat ticket: time and messages left, and what WeChat accepts. */
export async function wechatWindowOf(ctx: AppContext, viewer: Viewer, ticketId: number): Promise<WechatWindowView> {
  const ticket = await visibleTicket(ctx, viewer, ticketId);
  const target = parseThreadKey(ticket.thread_key);
  if (ticket.channel_kind !== 'wechat' || !target) throw new NotFound('WeChat ticket');
  const w = await readWindow(ctx.db, ticket.channel_name, target.userId);
  const held = await ctx.db
    .selectFrom('outbox')
    .innerJoin('messages', 'messages.id', 'outbox.message_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('messages.ticket_id', '=', ticket.id)
    .where('outbox.status', '=', 'pending')
    .where('outbox.last_error', 'like', 'held_for_customer%')
    .executeTakeFirstOrThrow();
  const at = Date.now();
  return {
    window: w ? { expiresAt: new Date(w.expiresAt).toISOString(), remaining: w.expiresAt > at ? w.remaining : 0, openedBy: w.openedBy, open: w.expiresAt > at && w.remaining > 0 } : null,
    held: Number(held.n),
    limits: { textBytes: WECHAT_LIMITS.textBytes, attachmentTypes: [...WECHAT_LIMITS.imageTypes], attachmentBytes: WECHAT_LIMITS.imageBytes },
  };
}
