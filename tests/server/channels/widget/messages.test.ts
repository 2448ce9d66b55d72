import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../helpers/app.js';
import { Visitor, widgetApp } from './helpers.js';

describe('widget visitor messages', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives admins the embed snippet of each widget channel in the channel list', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/channels', headers: t.admin.headers });
    expect(res.statusCode).toBe(200);
    const widget = res.json<{ items: Array<{ kind: string; name: string; embedSnippet?: string }> }>().items.find((c) => c.kind === 'widget');
    expect(widget?.embedSnippet).toBe(`<script src="${t.config.server.public_url}/widget.js" data-channel="website" async></script>`);
  });

  it('turns a first visitor message into a widget ticket threaded by conversation id', async () => {
    const v = new Visitor(t);
    await v.start({ name: 'Ada', email: 'ada@example.com' });
    const first = await v.send('Hello, my order is late');
    expect(first.statusCode).toBe(200);
    const second = await v.send('Order #77');
    const a = first.json<{ message: { conversationId: string } }>().message;
    const b = second.json<{ message: { conversationId: string } }>().message;
    expect(b.conversationId).toBe(a.conversationId);

    const tickets = await t.ctx.db.selectFrom('tickets').selectAll().where('channel_kind', '=', 'widget').execute();
    expect(tickets).toHaveLength(1);
    expect(tickets[0]?.thread_key).toBe(a.conversationId);
    const messages = await t.ctx.db.selectFrom('messages').select('text').where('ticket_id', '=', tickets[0]!.id).orderBy('id').execute();
    expect(messages.map((m) => m.text)).toEqual(['Hello, my order is late', 'Order #77']);
  });

  it('stores a message once however often its client id is sent', async () => {
    const v = new Visitor(t);
    await v.start();
    const results = await Promise.all([v.send('only once', 'dup-client-1'), v.send('only once', 'dup-client-1'), v.send('only once', 'dup-client-1')]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const ids = new Set(results.map((r) => r.json<{ message: { id: number } }>().message.id));
    expect(ids.size).toBe(1);
    expect(results.filter((r) => r.json<{ duplicate: boolean }>().duplicate)).toHaveLength(2);
    const stored = await t.ctx.db.selectFrom('messages').select('id').where('text', '=', 'only once').execute();
    expect(stored).toHaveLength(1);
  });

  it('keeps history across a new session with the same token', async () => {
    const v = new Visitor(t);
    await v.start();
    await v.send('remember me');
    await v.start();
    const history = await v.call('GET', '/messages');
    expect(history.statusCode).toBe(200);
    expect(history.json<{ items: Array<{ text: string }> }>().items.map((m) => m.text)).toEqual(['remember me']);
  });

  it('shows one visitor none of another visitor’s messages or conversations', async () => {
    const alice = new Visitor(t);
    const mallory = new Visitor(t);
    await alice.start();
    await mallory.start();
    const sent = await alice.send('private to alice');
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const history = await mallory.call('GET', '/messages');
    expect(history.json<{ items: unknown[] }>().items).toEqual([]);
    const end = await mallory.call('POST', `/conversations/${conversationId}/end`);
    expect(end.statusCode).toBe(404);
    const rate = await mallory.call('POST', `/conversations/${conversationId}/rating`, { score: 1 });
    expect(rate.statusCode).toBe(404);
  });

  it('ends a chat and stores its 1–5 rating and comment as CSAT on the ticket, once', async () => {
    const v = new Visitor(t);
    await v.start();
    const sent = await v.send('thanks for the help');
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const ended = await v.call('POST', `/conversations/${conversationId}/end`);
    expect(ended.json<{ status: string }>().status).toBe('ended');
    const bad = await v.call('POST', `/conversations/${conversationId}/rating`, { score: 6 });
    expect(bad.statusCode).toBe(400);
    const rated = await v.call('POST', `/conversations/${conversationId}/rating`, { score: 4, comment: 'quick' });
    expect(rated.statusCode).toBe(200);
    expect(rated.json<{ rated: boolean }>().rated).toBe(true);
    const again = await v.call('POST', `/conversations/${conversationId}/rating`, { score: 5 });
    expect(again.statusCode).toBe(409);
    const conv = await t.ctx.db.selectFrom('widget_conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    const csat = await t.ctx.db.selectFrom('csat_ratings').selectAll().where('ticket_id', '=', conv.ticket_id!).execute();
    expect(csat.map((c) => [c.score, c.comment])).toEqual([[4, 'quick']]);
    // The next message after an ended chat starts a new conversation and ticket.
    const next = await v.send('one more question');
    expect(next.json<{ message: { conversationId: string } }>().message.conversationId).not.toBe(conversationId);
  });
});
