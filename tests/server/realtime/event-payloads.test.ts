import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { intake } from '../../../server/intake/intake.js';
import type { MessageView, TicketView } from '../../../server/modules/tickets/schemas.js';
import { AgentEventPayloads } from '../../../server/realtime/event-payload.js';
import type { KefuEvent } from '../../../server/realtime/events.js';
import type { JournalScope } from '../../../server/realtime/journal.js';
import { createTestApp, type TestApp } from '../../helpers/app.js';
import { openAgentSocket, type Frame, type FrameLog } from './ws-client.js';

let t: TestApp;
const sockets: WebSocket[] = [];
const busEvents: KefuEvent[] = [];

async function connect(): Promise<FrameLog> {
  const log = await openAgentSocket(t.app, { cookie: t.admin.cookie });
  sockets.push(log.ws);
  return log;
}

const chat = (visitor: string, text: string, key: string) =>
  intake(t.ctx, {
    channel: { kind: 'widget', name: 'website' },
    sender: { identity: { kind: 'widget', value: visitor }, name: 'Wang Fang' },
    thread: { key: visitor },
    text,
    idempotencyKey: key,
  });

const eventOf = (f: Frame) => f.event as { type: string; ticket?: TicketView; message?: MessageView };

beforeAll(async () => {
  t = await createTestApp();
  t.ctx.bus.on('*', (e) => void busEvents.push(e));
});

afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await t.close();
});

describe('agent socket event payloads', () => {
  it('sends a new chat as its ticket and a first message without the ticket again, live and on replay', async () => {
    const live = await connect();
    const from = live.frames[0]!.cursor as number;
    const first = await chat('visitor-payloads-1', '快递到哪里了？', 'payloads-1');
    const second = await chat('visitor-payloads-1', 'Any news?', 'payloads-2');
    await live.next((f) => eventOf(f)?.message?.id === second.messageId);

    const events = live.events().map(eventOf);
    // No contact.created: the ticket names its contact.
    expect(events.map((e) => e.type)).toEqual(['ticket.created', 'message.created', 'message.created']);
    const [created, firstMessage, secondMessage] = events;
    expect(created!.ticket).toMatchObject({ id: first.ticketId, messageCount: 1, lastMessage: { preview: '快递到哪里了？' } });
    expect(firstMessage!.message).toMatchObject({ id: first.messageId, text: '快递到哪里了？' });
    expect(firstMessage).not.toHaveProperty('ticket');
    expect(secondMessage!.ticket).toMatchObject({ id: first.ticketId, messageCount: 2 });
    // The bus's own events are whole: rules, webhooks and SLA read them.
    expect(busEvents.filter((e) => e.type === 'contact.created' && e.contactId === first.contactId)).toHaveLength(1);
    const onBus = busEvents.find((e) => e.type === 'message.created' && e.message.id === first.messageId);
    expect(onBus?.type === 'message.created' && onBus.ticket.id).toBe(first.ticketId);

    const later = await connect();
    later.send({ type: 'resume', cursor: from });
    await later.next((f) => f.type === 'resumed');
    expect(later.events()).toEqual(live.events());
  });
});

describe('AgentEventPayloads', () => {
  const scope = (assigneeId: number | null): JournalScope => ({ ticketId: 1, assigneeId, teamId: null, previous: null });
  const ticket = { id: 1, messageCount: 1 } as TicketView;
  const message = { id: 5, ticketId: 1, text: 'hi' } as MessageView;
  const actor = { kind: 'contact', id: 2 } as const;
  const created = (view: TicketView): KefuEvent => ({ type: 'ticket.created', actor, ticketId: 1, assigneeId: null, teamId: null, ticket: view });
  const posted = (view: TicketView, assigneeId: number | null = null): KefuEvent => ({
    type: 'message.created',
    actor,
    ticketId: 1,
    assigneeId,
    teamId: null,
    message,
    ticket: view,
    mentions: [],
  });
  const parsed = (payload: string | null) => JSON.parse(payload ?? 'null') as Record<string, unknown>;

  it('keeps the ticket when it is another one than the event before carried, or not the event right before', () => {
    const payloads = new AgentEventPayloads();
    payloads.payload(created(ticket), scope(null));
    expect(parsed(payloads.payload(posted({ ...ticket }), scope(null)))).toHaveProperty('ticket');

    payloads.payload(created(ticket), scope(null));
    payloads.payload({ type: 'ticket.deleted', actor, ticketId: 9, assigneeId: null, teamId: null }, { ...scope(null), ticketId: 9 });
    expect(parsed(payloads.payload(posted(ticket), scope(null)))).toHaveProperty('ticket');
  });

  it('keeps the ticket when the scope differs: an agent who heard only the message would miss it', () => {
    const payloads = new AgentEventPayloads();
    payloads.payload(created(ticket), scope(null));
    expect(parsed(payloads.payload(posted(ticket, 4), scope(4)))).toHaveProperty('ticket');
  });

  it('leaves out the ticket the event before carried, and keeps everything else', () => {
    const payloads = new AgentEventPayloads();
    payloads.payload(created(ticket), scope(null));
    expect(parsed(payloads.payload(posted(ticket), scope(null)))).toEqual({ type: 'message.created', actor, ticketId: 1, assigneeId: null, teamId: null, message, mentions: [] });
  });
});
