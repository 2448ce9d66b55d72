import type { AppContext } from '../../context.js';
import { telegramBotState } from '../telegram/index.js';
import { widgetEmbedSnippet } from '../widget/snippet.js';
import { wechatChannelItems } from '../wechat/status.js';
import { liveMailboxStatus } from './index.js';
import { mailboxStates } from './state-queries.js';

export interface ChannelListItem {
  kind: string;
  name: string;
  address?: string;
  /** The script tag a site owner pastes into their pages (widget channels). */
  embedSnippet?: string;
  /** WeChat: official_account or wecom_kf, and the server URL and token to paste into its console. */
  wechatKind?: string;
  serverUrl?: string;
  token?: string;
  encrypted?: boolean;
  /** Where the provider is told to post (WhatsApp, SMS, Telegram), or where the business's app posts (API). */
  webhookUrl?: string;
  state: { connected: boolean; lastSyncAt: string | null; lastError: string | null } | null;
}

const webhookUrl = (ctx: AppContext, kind: string, name: string): string => `${ctx.config.server.public_url}/webhooks/${kind}/${encodeURIComponent(name)}`;

const iso = (ms: number | null | undefined): string | null => (ms ? new Date(ms).toISOString() : null);

/**
 * Every configured channel with, for IMAP mailboxes, the connection state: this process's live
 * receiver when it runs one, else what the last receiver recorded.
 */
export async function listChannels(ctx: AppContext): Promise<ChannelListItem[]> {
  const stored = new Map((await mailboxStates(ctx.db)).map((s) => [s.channel_name, s]));
  const email = ctx.config.channels.email.map((c): ChannelListItem => {
    if (!c.imap) return { kind: 'email', name: c.name, address: c.address, state: null };
    const live = liveMailboxStatus(ctx, c.name);
    const row = stored.get(c.name);
    return {
      kind: 'email',
      name: c.name,
      address: c.address,
      state: live
        ? { connected: live.connected, lastSyncAt: iso(live.lastSyncAt ?? row?.last_sync_at), lastError: live.lastError }
        : { connected: row?.connected === 1, lastSyncAt: iso(row?.last_sync_at), lastError: row?.last_error ?? null },
    };
  });
  const widget = ctx.config.channels.widget.map(
    (w): ChannelListItem => ({
      kind: 'widget',
      name: w.name,
      embedSnippet: widgetEmbedSnippet(ctx.config.server.public_url, w),
      state: null,
    }),
  );
  // Webhook channels have no connection of their own to show; /readyz reports their credentials.
  const phone = [
    ...ctx.config.channels.whatsapp.map((c): ChannelListItem => ({ kind: 'whatsapp', name: c.name, webhookUrl: webhookUrl(ctx, 'whatsapp', c.name), state: null })),
    ...ctx.config.channels.twilio.map((c): ChannelListItem => ({ kind: 'twilio', name: c.name, webhookUrl: webhookUrl(ctx, 'twilio', c.name), state: null })),
  ];
  const api = ctx.config.channels.api.map(
    (c): ChannelListItem => ({
      kind: 'api',
      name: c.name,
      address: c.callback_url,
      webhookUrl: `${ctx.config.server.public_url}/api/v1/channels/api/${encodeURIComponent(c.name)}/messages`,
      state: null,
    }),
  );
  const telegram = ctx.config.channels.telegram.map((c): ChannelListItem => {
    const bot = telegramBotState(ctx, c.name);
    return {
      kind: 'telegram',
      name: c.name,
      ...(bot?.username ? { address: `@${bot.username}` } : {}),
      webhookUrl: webhookUrl(ctx, 'telegram', c.name),
      state: bot ? { connected: bot.ready, lastSyncAt: null, lastError: bot.lastError } : null,
    };
  });
  return [...email, ...widget, ...(await wechatChannelItems(ctx)), ...phone, ...api, ...telegram];
}
