import type { PlainEmailPayload } from '../../channels/email/payloads.js';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import { enqueue } from '../../outbox/queue.js';
import { accountMailChannel } from '../agents/account-mail.js';
import type { NewNotification } from './notifications.js';
import { noticeMailText, whenFor } from './notification-mail-text.js';

/**
 * Queues one mail per active agent, in that agent's language and time zone, from the mailbox that
 * sends agent notifications. No mailbox that can send: the in-app notification is all there is.
 */
export async function queueNoticeMails(ctx: Pick<AppContext, 'config'>, db: DbOrTx, agentIds: number[], n: NewNotification): Promise<number> {
  const channel = accountMailChannel(ctx);
  if (!channel) return 0;
  const agents = await db.selectFrom('agents').select(['email', 'language', 'timezone']).where('id', 'in', agentIds).where('active', '=', 1).execute();
  const link = `${ctx.config.server.public_url.replace(/\/+$/, '')}/tickets/${n.ticket.id}`;
  for (const agent of agents) {
    const mail = noticeMailText(agent.language, {
      kind: n.kind,
      number: n.ticket.number,
      subject: n.ticket.subject,
      target: n.target,
      when: n.dueAt === null ? null : whenFor(agent.language, agent.timezone, n.dueAt),
      note: n.note ?? null,
      link,
    });
    const payload: PlainEmailPayload = { type: 'plain', to: agent.email, ...mail, autoSubmitted: 'auto-generated', aboutTicketId: n.ticket.id };
    await enqueue(db, { kind: 'email', channelName: channel, payload: { ...payload } });
  }
  return agents.length;
}
