import type { AppContext } from '../../context.js';
import { transKfState } from './kf.js';
import { parseThreadKey, wechatChannels, type WechatChannel } from './runtime.js';
import { createWechatSender } from './sender.js';

const started = new WeakSet<AppContext>();
const inFlight = new WeakMap<AppContext, Set<Promise<void>>>();

/** Resolves once the WeCom session-state calls started so far have finished (shutdown and tests wait on it). */
export async function wechatIdle(ctx: AppContext): Promise<void> {
  await Promise.all([...(inFlight.get(ctx) ?? [])]);
}

/**
 * Starts the WeChat channels of a serving process: the outbox sender for kind 'wechat', a
 * readiness check `wechat:<name>` per channel (failing while no access_token can be fetched: the
 * desk still takes pushes, but replies cannot leave), and WeCom session-state updates.
 */
export function startWechatChannels(ctx: AppContext): void {
  const channels = wechatChannels(ctx);
  if (channels.size === 0 || started.has(ctx)) return;
  started.add(ctx);
  ctx.onClose(ctx.outbox.registerSender('wechat', createWechatSender(ctx)));
  for (const channel of channels.values()) {
    const name = `wechat:${channel.config.name}`;
    ctx.health.register(
      name,
      async () => {
        try {
          await channel.api.accessToken();
          return { ok: true };
        } catch (err) {
          return { ok: false, message: `no access_token: ${err instanceof Error ? err.message : String(err)}` };
        }
      },
      { critical: false },
    );
    ctx.onClose(() => ctx.health.unregister(name));
  }
  ctx.onClose(followKfSessions(ctx));
}

/** An agent taking a WeCom conversation moves its session to "human" (3); resolving it ends it (4). */
function followKfSessions(ctx: AppContext): () => void {
  const pending = new Set<Promise<void>>();
  inFlight.set(ctx, pending);
  const off = ctx.bus.on('ticket.updated', (event) => {
    if (event.ticket.channel.kind !== 'wechat') return;
    const channel = wechatChannels(ctx).get(event.ticket.channel.name);
    if (channel?.config.kind !== 'wecom_kf') return;
    const ended = event.changes.includes('status') && (event.ticket.status === 'resolved' || event.ticket.status === 'closed');
    const taken = event.assigneeId !== null && event.assigneeId !== event.previous.assigneeId;
    if (!ended && !taken) return;
    const job = updateKfState(ctx, channel, event.ticketId, ended ? 4 : 3).finally(() => pending.delete(job));
    pending.add(job);
  });
  return async () => {
    off();
    await Promise.all([...pending]);
  };
}

async function updateKfState(ctx: AppContext, channel: WechatChannel, ticketId: number, state: 3 | 4): Promise<void> {
  const row = await ctx.db.selectFrom('tickets').select('thread_key').where('id', '=', ticketId).executeTakeFirst();
  const target = parseThreadKey(row?.thread_key ?? null);
  if (!target?.openKfid) return;
  try {
    await transKfState(channel, target.openKfid, target.userId, state);
  } catch (err) {
    ctx.logger.warn({ err, channel: channel.config.name, ticketId }, 'wecom session state not updated');
  }
}
