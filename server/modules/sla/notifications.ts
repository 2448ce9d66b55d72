import { Type, type Static } from '@sinclair/typebox';
import type { DbOrTx } from '../../db/database.js';
import type { KefuEvent } from '../../realtime/events.js';
import { iso } from '../tickets/presenter.js';

export const NotificationSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.Union([Type.Literal('sla.warning'), Type.Literal('sla.breach'), Type.Literal('reminder')]),
  ticketId: Type.Union([Type.Integer(), Type.Null()]),
  ticketNumber: Type.Union([Type.Integer(), Type.Null()]),
  subject: Type.String(),
  /** first_response, next_response or resolution */
  target: Type.String(),
  dueAt: Type.Union([Type.String(), Type.Null()]),
  /** a reminder's note; null for SLA notifications */
  note: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type NotificationView = Static<typeof NotificationSchema>;

export interface NewNotification {
  kind: NotificationView['kind'];
  ticket: { id: number; number: number; subject: string };
  target: string;
  dueAt: number | null;
  note?: string | null;
}

/** One row per agent, written in the caller's transaction; the events go out after commit. */
export async function notifyAgents(db: DbOrTx, agentIds: number[], n: NewNotification, at: number): Promise<KefuEvent[]> {
  const events: KefuEvent[] = [];
  const data = { target: n.target, dueAt: n.dueAt, number: n.ticket.number, subject: n.ticket.subject, note: n.note ?? null };
  for (const agentId of new Set(agentIds)) {
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
      },
    });
  }
  return events;
}
