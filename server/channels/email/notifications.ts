import type { AppContext } from '../../context.js';
import { enqueue } from '../../outbox/queue.js';
import type { Actor } from '../../realtime/bus.js';
import type { PlainEmailPayload } from './payloads.js';

interface Notice {
  agentId: number;
  ticketId: number;
  subject: string;
  text: string;
}

const actorAgentId = (actor: Actor): number | null => (actor.kind === 'agent' ? actor.id : null);

/**
 * Emails agents when a ticket is assigned to them or a note @mentions them, from the mailbox
 * marked `agent_notifications`. Nobody is told about what they did themselves. The subject says
 * "#1042" without brackets and carries no References to the customer's mails; an agent's answer
 * to it still joins the ticket through its recorded Message-ID.
 */
export function startAgentNotifications(ctx: AppContext): () => void {
  const channel = ctx.config.channels.email.find((c) => c.agent_notifications && c.smtp);
  if (!channel) return () => undefined;
  const link = (ticketId: number): string => `${ctx.config.server.public_url}/tickets/${ticketId}`;

  const send = async (notices: Notice[]): Promise<void> => {
    if (notices.length === 0) return;
    const agents = await ctx.db
      .selectFrom('agents')
      .select(['id', 'email'])
      .where('id', 'in', notices.map((n) => n.agentId))
      .where('active', '=', 1)
      .execute();
    await ctx.database.transaction(async (tx, onCommit) => {
      for (const n of notices) {
        const to = agents.find((a) => a.id === n.agentId)?.email;
        if (!to) continue;
        const payload: PlainEmailPayload = { type: 'plain', to, subject: n.subject, text: n.text, autoSubmitted: 'auto-generated', aboutTicketId: n.ticketId };
        await enqueue(tx, { kind: 'email', channelName: channel.name, payload: { ...payload } });
      }
      onCommit(() => ctx.outbox.nudge());
    });
  };

  const offAssigned = ctx.bus.on('ticket.updated', (e) => {
    const assignee = e.ticket.assignee;
    if (!assignee || assignee.id === e.previous.assigneeId || assignee.id === actorAgentId(e.actor)) return;
    return send([
      {
        agentId: assignee.id,
        ticketId: e.ticket.id,
        subject: `Ticket #${e.ticket.number} was assigned to you: ${e.ticket.subject}`,
        text: `Ticket #${e.ticket.number} "${e.ticket.subject}" is now yours.\n\n${link(e.ticket.id)}\n`,
      },
    ]);
  });
  const offMentioned = ctx.bus.on('message.created', (e) => {
    const author = actorAgentId(e.actor);
    const notices = e.mentions
      .filter((id) => id !== author)
      .map((agentId) => ({
        agentId,
        ticketId: e.ticket.id,
        subject: `${e.message.author.name} mentioned you on ticket #${e.ticket.number}: ${e.ticket.subject}`,
        text: `${e.message.author.name} wrote:\n\n${e.message.text.slice(0, 2000)}\n\n${link(e.ticket.id)}\n`,
      }));
    return send(notices);
  });
  return () => {
    offAssigned();
    offMentioned();
  };
}
