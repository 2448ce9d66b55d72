import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import type { KefuEvent } from '../../../../server/realtime/events.js';
import { Visitor, widgetApp } from './helpers.js';

interface Detail {
  ticket: { id: number; status: string };
  messages: Array<{ kind: string; text: string; meta: Record<string, unknown> }>;
  events: Array<{ changes: Array<{ field: string; from: unknown; to: unknown }>; actor: { kind: string } }>;
  csat: { score: number; comment: string | null } | null;
}

describe('a visitor ending and rating a chat, as the agents see it', () => {
  let t: TestApp;
  const seen: KefuEvent[] = [];
  beforeAll(async () => {
    t = await widgetApp();
    t.ctx.bus.on('*', (e) => void seen.push(e));
  });
  afterAll(async () => {
    await t.close();
  });

  async function chat(text: string) {
    const v = new Visitor(t);
    await v.start({ name: 'Ada Visitor' });
    const sent = await v.send(text);
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const conv = await t.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
    return { v, conversationId, ticketId: conv.ticket_id as number };
  }

  const detail = async (id: number) =>
    (await t.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}`, headers: t.admin.headers })).json<Detail>();

  it('puts "ended" and the rating on the timeline, moves an open ticket to pending and gives the rating on the ticket', async () => {
    const { v, conversationId, ticketId } = await chat('My parcel is lost');
    seen.length = 0;
    expect((await v.call('POST', `/conversations/${conversationId}/end`)).statusCode).toBe(200);
    // Ending twice tells the agents once.
    await v.call('POST', `/conversations/${conversationId}/end`);
    expect((await v.call('POST', `/conversations/${conversationId}/rating`, { score: 4, comment: 'Quick and kind' })).statusCode).toBe(200);

    const d = await detail(ticketId);
    expect(d.ticket.status).toBe('pending');
    expect(d.messages.filter((m) => m.kind === 'system').map((m) => [m.text, m.meta.event])).toEqual([
      ['Visitor ended the chat.', 'chat.ended'],
      ['Rated 4/5: Quick and kind', 'csat.rated'],
    ]);
    expect(d.messages.at(-1)?.meta).toMatchObject({ score: 4, comment: 'Quick and kind' });
    expect(d.csat).toMatchObject({ score: 4, comment: 'Quick and kind', scale: '1-5', source: 'widget' });
    expect(d.events.flatMap((e) => e.changes)).toEqual([{ field: 'status', from: 'open', to: 'pending' }]);
    expect(d.events[0]?.actor.kind).toBe('system');

    // Live: each line reaches the agents as a message, and the status change as an update.
    const mine = seen.filter((e) => 'ticketId' in e && e.ticketId === ticketId);
    expect(mine.map((e) => (e.type === 'message.created' ? `message:${String(e.message.meta.event)}` : e.type))).toEqual([
      'message:chat.ended',
      'ticket.updated',
      'message:csat.rated',
      'csat.received',
    ]);
    // The same event as an emailed survey's rating, for webhooks and reports.
    expect(mine.at(-1)).toMatchObject({ type: 'csat.received', score: 4, scale: '1-5', comment: 'Quick and kind', source: 'widget', actor: { kind: 'contact' } });
  });

  it('leaves a status an agent chose alone when the visitor ends the chat', async () => {
    const { v, conversationId, ticketId } = await chat('Can I change my address?');
    const patched = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${ticketId}`, headers: t.admin.headers, payload: { status: 'resolved' } });
    expect(patched.statusCode).toBe(200);
    await v.call('POST', `/conversations/${conversationId}/end`);
    const d = await detail(ticketId);
    expect(d.ticket.status).toBe('resolved');
    expect(d.messages.at(-1)?.meta.event).toBe('chat.ended');
    expect(d.csat).toBeNull();
  });

  it('rates a chat without a comment as the bare score', async () => {
    const { v, conversationId, ticketId } = await chat('Thanks!');
    await v.call('POST', `/conversations/${conversationId}/end`);
    await v.call('POST', `/conversations/${conversationId}/rating`, { score: 2 });
    const d = await detail(ticketId);
    expect(d.messages.at(-1)?.text).toBe('Rated 2/5');
    expect(d.csat).toMatchObject({ score: 2, comment: null });
  });
});
