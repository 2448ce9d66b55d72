import { describe, expect, it } from 'vitest';
import type { KefuEvent } from '../../../server/realtime/events.js';
import type { MessageView, TicketView } from '../../../server/modules/tickets/schemas.js';
import { outgoingEvents } from '../../../server/modules/webhooks/events.js';

const ticket = { id: 7, number: 1007, subject: 'Parcel' } as TicketView;
const message = (kind: MessageView['kind'], meta: Record<string, unknown> = {}) => ({ id: 70, ticketId: 7, kind, meta }) as MessageView;
const scope = { ticketId: 7, assigneeId: null, teamId: null };
const actor = { kind: 'system' } as const;

describe('outgoingEvents', () => {
  it.each<[string, KefuEvent, Array<[string, Record<string, unknown>]>]>([
    ['ticket.created', { type: 'ticket.created', actor, ...scope, ticket }, [['ticket.created', { ticket }]]],
    [
      'ticket.updated with its changes',
      { type: 'ticket.updated', actor, ...scope, ticket, changes: ['status'], previous: { assigneeId: null, teamId: null } },
      [['ticket.updated', { ticket, changes: ['status'] }]],
    ],
    ['message.created', { type: 'message.created', actor, ...scope, ticket, message: message('inbound'), mentions: [] }, [['message.created', { message: message('inbound'), ticket }]]],
    [
      'an SLA breach line as message.created and sla.breached',
      {
        type: 'message.created',
        actor,
        ...scope,
        ticket,
        mentions: [],
        message: message('system', { event: 'sla.breached', target: 'first_response', dueAt: '2030-01-01T10:00:00.000Z', policy: 'Gold' }),
      },
      [
        ['message.created', { ticket }],
        ['sla.breached', { ticket, target: 'first_response', dueAt: '2030-01-01T10:00:00.000Z', policy: 'Gold' }],
      ],
    ],
    [
      'csat.received with the rating',
      { type: 'csat.received', actor: { kind: 'contact', id: 3 }, ...scope, contactId: 3, score: 5, scale: 'faces', comment: '谢谢', source: 'email', ratedAt: '2030-01-01T10:00:00.000Z' },
      [['csat.received', { ticketId: 7, contactId: 3, score: 5, scale: 'faces', comment: '谢谢', source: 'email', ratedAt: '2030-01-01T10:00:00.000Z' }]],
    ],
    ['nothing for a message update', { type: 'message.updated', actor, ...scope, message: message('outbound') }, []],
    ['nothing for presence', { type: 'agent.presence', actor, agentId: 1, presence: 'online' }, []],
  ])('%s', (_name, event, expected) => {
    const out = outgoingEvents(event, 1);
    expect(out.map((o) => o.event)).toEqual(expected.map(([e]) => e));
    expected.forEach(([, data], i) => expect(out[i]?.data).toMatchObject(data));
  });

  it('passes contact.created with the contact view', () => {
    const contact = { id: 3, name: 'Ann' } as Extract<KefuEvent, { type: 'contact.created' }>['contact'];
    expect(outgoingEvents({ type: 'contact.created', actor, contactId: 3, contact }, 1)).toEqual([{ event: 'contact.created', data: { contact }, at: 1 }]);
  });
});
