import type { AppContext } from '../../context.js';
import { TelegramClient } from './client.js';
import type { TelegramChannelConfig } from './config-schema.js';
import { createTelegramSender } from './sender.js';

export interface BotState {
  ready: boolean;
  username: string | null;
  lastError: string | null;
}

const RETRY_MS = [5_000, 30_000, 120_000, 600_000];
/** How often a bot is checked again once registered: a revoked token or a deleted bot shows in /readyz. */
export const TELEGRAM_RECHECK_MS = 5 * 60_000;

const runtimes = new WeakMap<AppContext, Map<string, BotState>>();

/** The webhook registration state of this process's bots (the channel list shows it). */
export const telegramBotState = (ctx: AppContext, name: string): BotState | null => runtimes.get(ctx)?.get(name) ?? null;

export const webhookUrl = (ctx: AppContext, channel: TelegramChannelConfig): string =>
  `${ctx.config.server.public_url}/webhooks/telegram/${encodeURIComponent(channel.name)}`;

/** Checks the token (getMe) and points the bot's webhook at us with its secret_token. */
export async function registerWebhook(ctx: AppContext, channel: TelegramChannelConfig, state: BotState): Promise<void> {
  const client = new TelegramClient(channel);
  try {
    const me = await client.call<{ username?: string }>('getMe');
    state.username = me.username ?? null;
    await client.call('setWebhook', {
      url: webhookUrl(ctx, channel),
      secret_token: channel.webhook_secret,
      allowed_updates: ['message', 'edited_message'],
    });
    state.ready = true;
    state.lastError = null;
  } catch (err) {
    state.ready = false;
    state.lastError = err instanceof Error ? err.message : String(err);
    throw err;
  }
}

/**
 * Checks a bot again: a ready bot with getMe, one that is not with a new registration (its
 * webhook may have been pointed elsewhere while it was down). Never throws; the state says it.
 */
export async function recheckTelegramBot(ctx: AppContext, name: string): Promise<void> {
  const state = telegramBotState(ctx, name);
  const channel = ctx.config.channels.telegram.find((c) => c.name === name);
  if (!state || !channel) return;
  try {
    if (!state.ready) return await registerWebhook(ctx, channel, state);
    await new TelegramClient(channel).call('getMe');
  } catch (err) {
    state.ready = false;
    state.lastError = err instanceof Error ? err.message : String(err);
    ctx.logger.warn({ channel: name, err: state.lastError }, 'telegram bot check failed');
  }
}

/**
 * Starts the Telegram bots of a serving process: the outbox sender for kind 'telegram', and for
 * each bot a webhook registration retried with backoff until it succeeds, reported in /readyz as
 * `telegram:<name>` (not critical: one broken bot leaves the desk working), and checked again
 * every few minutes.
 */
export function startTelegramChannels(ctx: AppContext): Map<string, BotState> {
  const existing = runtimes.get(ctx);
  if (existing) return existing;
  const states = new Map<string, BotState>();
  if (ctx.config.channels.telegram.length === 0) return states;
  runtimes.set(ctx, states);
  ctx.onClose(ctx.outbox.registerSender('telegram', createTelegramSender(ctx)));
  const log = ctx.logger.child({ subsystem: 'channel-telegram' });
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  ctx.onClose(() => {
    closed = true;
    for (const t of timers) clearTimeout(t);
  });
  for (const channel of ctx.config.channels.telegram) {
    const state: BotState = { ready: false, username: null, lastError: null };
    states.set(channel.name, state);
    ctx.health.register(`telegram:${channel.name}`, () => (state.ready ? { ok: true } : { ok: false, message: state.lastError ?? 'registering the webhook' }), {
      critical: false,
    });
    const attempt = (n: number): void => {
      registerWebhook(ctx, channel, state)
        .then(() => log.info({ channel: channel.name, bot: state.username }, 'telegram webhook registered'))
        .catch((err: unknown) => {
          log.warn({ channel: channel.name, err: state.lastError ?? err }, 'telegram webhook registration failed; will retry');
          if (closed) return;
          const timer = setTimeout(() => {
            timers.delete(timer);
            attempt(n + 1);
          }, RETRY_MS[Math.min(n, RETRY_MS.length - 1)]);
          timer.unref();
          timers.add(timer);
        });
    };
    attempt(0);
    const recheck = setInterval(() => void recheckTelegramBot(ctx, channel.name), TELEGRAM_RECHECK_MS);
    recheck.unref();
    ctx.onClose(() => clearInterval(recheck));
  }
  return states;
}
