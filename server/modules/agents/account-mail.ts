import type { AppContext } from '../../context.js';
import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import type { DbOrTx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';

/**
 * The mailbox that sends invitations and reset links: the one marked for agent notifications,
 * else the first that can send at all. Null when no mailbox has SMTP: links must then be handed
 * over by hand.
 */
export function accountMailChannel(ctx: Pick<AppContext, 'config'>): string | null {
  const sending = ctx.config.channels.email.filter((c) => c.smtp);
  return (sending.find((c) => c.agent_notifications) ?? sending[0])?.name ?? null;
}

export const accountLink = (ctx: AppContext, path: string, token: string): string =>
  `${ctx.config.server.public_url.replace(/\/+$/, '')}${path}?token=${encodeURIComponent(token)}`;

/** Queues the mail inside the caller's transaction; returns false when there is no mailbox to send it. */
export async function queueAccountMail(
  ctx: AppContext,
  tx: DbOrTx,
  mail: { to: string; subject: string; text: string },
): Promise<boolean> {
  const channel = accountMailChannel(ctx);
  if (!channel) return false;
  const payload: PlainEmailPayload = { type: 'plain', ...mail, autoSubmitted: 'auto-generated' };
  await enqueue(tx, { kind: 'email', channelName: channel, payload: { ...payload } });
  return true;
}
