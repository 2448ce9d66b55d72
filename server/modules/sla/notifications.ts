import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../context.js';
import type { DbOrTx } from '../../db/database.js';
import type { KefuEvent } from '../../realtime/events.js';
import { iso } from '../tickets/presenter.js';
import { queueNoticeMails } from './notification-mail.js';

export const NOTIFICATION_KINDS = ['sla.warning', 'sla.breach', 'reminder', 'snooze.woke'] as const;

export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union(NOTIFICATION_KINDS.map((k) => Type.Literal(k))),
  ticketId: Type.Union([Type.Integer(), Type.Null()]),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  subject: Type.String(),
  /** first_response, next_response or resolution; empty for reminders and wake-ups */
  target: Type.String(),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  /** a reminder's note; null for SLA notifications */
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  /** null while unread */
  readAt: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type NotificationView = Static<typeof NotificationSchema>;

export interface NewNotification {
  kind: NotificationView['kind'];
  ticket: { id: number; number: number; subject: string };
  target: string;
  dueAt: number | null;
  note?: string | null;
}

export interface NotifyOptions {
  /** also mail each agent, through the outbox in the same transaction, so a rollback sends nothing */
  email?: boolean;
}

/**
 * One row per agent, written in the caller's transaction; the events go out after commit. The
 * caller nudges the outbox after commit when it asked for email.
 */
export async function notifyAgents(ctx: Pick<AppContext, 'config'>, db: DbOrTx, agentIds: number[], n: NewNotification, at: number, opts: NotifyOptions = {}): Promise<KefuEvent[]> {
  const events: KefuEvent[] = [];
  const data = { target: n.target, dueAt: n.dueAt, number: n.ticket.number, subject: n.ticket.subject, note: n.note ?? null };
  const ids = [...new Set(agentIds)];
  for (const agentId of ids) {
    const row = await db
      .insertInto('agent_notifications')
      .values({ agent_id: agentId, ticket_id: n.ticket.id, kind: n.kind, data: JSON.stringify(data), created_at: at, read_at: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    events.push({
      type: 'notification.created',
      actor: { kind: 'automation', rule: 'sla' },
      agentId,
      notification: {
        id: row.id,
        kind: n.kind,
        ticketId: n.ticket.id,
        ticketNumber: n.ticket.number,
        subject: n.ticket.subject,
        target: n.target,
        dueAt: n.dueAt === null ? null : iso(n.dueAt),
        note: n.note ?? null,
        createdAt: iso(at),
        readAt: null,
      },
    });
  }
  if (opts.email && ids.length > 0) await queueNoticeMails(ctx, db, ids, n);
  return events;
}
