import { describe, expect, it } from 'vitest';
import type { Agent, LiveEvent, Message, Ticket } from '../../web/shared/types.js';
import { alertFor } from '../../web/agent/notify.js';

const me: Agent = {
  id: 7,
  email: 'me@example.test',
  name: 'Mei Lin',
  role: 'agent',
  language: 'en',
  timezone: null,
  avatarUrl: null,
  active: true,
  presence: 'online',
  preferences: {},
};

function ticket(over: Partial<Ticket> = {}): Ticket {
  return {
    id: 1,
    number: 1001,
    subject: 'Where is my order?',
    status: 'open',
    snoozedUntil: null,
    priority: 'normal',
    channel: { kind: 'widget', name: 'website' },
    contact: { id: 3, name: 'Maria' },
    assignee: null,
    team: null,
    labels: [],
    customFields: {},
    createdAt: '2026-03-10T12:00:00Z',
    updatedAt: '2026-03-10T12:00:00Z',
    lastActivityAt: '2026-03-10T12:00:00Z',
    firstResponseAt: null,
    resolvedAt: null,
    reopenCount: 0,
    lastMessage: { preview: 'Hello?', kind: 'inbound', at: '2026-03-10T12:00:00Z' },
    unread: true,
    messageCount: 1,
    ...over,
  };
}

function message(over: Partial<Message> = {}): Message {
  return {
    id: 9,
    ticketId: 1,
    kind: 'inbound',
    author: { kind: 'contact', name: 'Maria' },
    channel: { kind: 'email', name: 'support' },
    text: 'Any news?',
    html: null,
    attachments: [],
    delivery: null,
    mentions: [],
    meta: {},
    createdAt: '2026-03-10T12:00:00Z',
    ...over,
  };
}

describe('alertFor', () => {
  it('alerts on a new unassigned chat', () => {
    const ev: LiveEvent = { type: 'ticket.created', ticketId: 1, ticket: ticket() };
    expect(alertFor(ev, me)?.title).toBe('New chat from Maria');
  });

  it('stays quiet for a new email ticket, which is not a live conversation', () => {
    expect(alertFor({ type: 'ticket.created', ticketId: 1, ticket: ticket({ channel: { kind: 'email', name: 'support' } }) }, me)).toBeNull();
  });

  it('alerts on a customer message on my ticket, not on someone else’s', () => {
    const mine = ticket({ assignee: { id: 7, name: 'Mei Lin' } });
    const theirs = ticket({ assignee: { id: 8, name: 'Bo' } });
    expect(alertFor({ type: 'message.created', ticketId: 1, ticket: mine, message: message() }, me)?.body).toBe('Any news?');
    expect(alertFor({ type: 'message.created', ticketId: 1, ticket: theirs, message: message() }, me)).toBeNull();
  });

  it('alerts on a new ticket’s first message, which comes without the ticket, only to whom the event says has it', () => {
    const first = { type: 'message.created', ticketId: 1, message: message() };
    expect(alertFor({ ...first, assigneeId: 7, teamId: null }, me)?.body).toBe('Any news?');
    expect(alertFor({ ...first, assigneeId: 8, teamId: null }, me)).toBeNull();
    expect(alertFor({ ...first, assigneeId: null, teamId: 2 }, me)).toBeNull();
  });

  it('alerts when a note mentions me', () => {
    const note = message({ kind: 'note', author: { kind: 'agent', id: 8, name: 'Bo' }, text: '@Mei Lin look', mentions: [7] });
    expect(alertFor({ type: 'message.created', ticketId: 1, message: note, actor: { kind: 'agent', id: 8 } }, me)?.title).toBe('Bo mentioned you');
  });

  it('never alerts about my own actions', () => {
    const note = message({ kind: 'note', mentions: [7] });
    expect(alertFor({ type: 'message.created', ticketId: 1, message: note, actor: { kind: 'agent', id: 7 } }, me)).toBeNull();
  });
});
