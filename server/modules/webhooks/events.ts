import type { KefuEvent } from '../../realtime/events.js';
import type { WebhookEvent } from './schemas.js';

export interface OutgoingEvent {
  event: WebhookEvent;
  data: Record<string, unknown>;
  at: number;
}

/**
 * The webhook events a domain event stands for, with their `data` (see WebhookPayloadSchema). The
 * views are the ones the event already carries, presented by the tickets and contacts presenters,
 * so a webhook sees exactly what the API shows. An SLA breach is the system line the sweep writes.
 */
export function outgoingEvents(e: KefuEvent, at: number): OutgoingEvent[] {
  switch (e.type) {
    case 'ticket.created':
      return [{ event: 'ticket.created', data: { ticket: e.ticket }, at }];
    case 'ticket.updated':
      return [{ event: 'ticket.updated', data: { ticket: e.ticket, changes: e.changes }, at }];
    case 'contact.created':
      return [{ event: 'contact.created', data: { contact: e.contact }, at }];
    case 'message.created': {
      const out: OutgoingEvent[] = [{ event: 'message.created', data: { message: e.message, ticket: e.ticket }, at }];
      const meta = e.message.meta;
      if (e.message.kind === 'system' && meta.event === 'sla.breached') {
        const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
        out.push({ event: 'sla.breached', data: { ticket: e.ticket, target: text(meta.target) ?? '', dueAt: text(meta.dueAt), policy: text(meta.policy) }, at });
      }
      return out;
    }
    case 'csat.received': {
      const { ticketId, contactId, score, scale, comment, source, ratedAt } = e;
      return [{ event: 'csat.received', data: { ticketId, contactId, score, scale, comment, source, ratedAt }, at }];
    }
    default:
      return [];
  }
}
