import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { WebSocket } from 'ws';
import type { TestApp } from '../../../helpers/app.js';
import { postMessage } from '../../../../server/modules/tickets/post-message.js';
import type { ServerFrame } from '../../../../server/channels/widget/protocol.js';
import { PAGE, Visitor, widgetApp } from './helpers.js';

/** Frames from one socket, awaited by predicate so no test sleeps. */
class Frames<F extends { type: string } = ServerFrame> {
  readonly seen: F[] = [];
  #waiters: Array<{ match: (f: F) => boolean; resolve: (f: F) => void }> = [];

  constructor(ws: WebSocket) {
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as F;
      this.seen.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
  }

  next<T extends F['type']>(type: T, match: (f: Extract<F, { type: T }>) => boolean = () => true): Promise<Extract<F, { type: T }>> {
    const test = (f: F) => f.type === type && match(f as Extract<F, { type: T }>);
    const found = this.seen.find(test);
    if (found) return Promise.resolve(found as Extract<F, { type: T }>);
    return new Promise((resolve) => {
      this.#waiters.push({ match: test, resolve: resolve as (f: F) => void });
    });
  }
}

/** What the agent websocket sends, as far as these tests look. */
type AgentFrame =
  | { type: 'hello' }
  | { type: 'event'; event: { type: string; typing?: boolean } }
  | { type: 'customer'; ticketId: number; typing?: boolean; readAt?: string };

describe('widget visitor websocket', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp();
    t.ctx.outbox.start();
  });
  afterAll(async () => {
    await t.close();
  });

  /** The ticket a visitor's just-sent message landed on. */
  async function ticketOf(sent: LightMyRequestResponse): Promise<number> {
    const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
    const row = await t.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
    return row.ticket_id!;
  }

  async function open(v: Visitor): Promise<{ ws: WebSocket; frames: Frames }> {
    let frames: Frames | undefined;
    const ws = await t.app.injectWS(
      `/api/v1/widget/website/ws?vt=${encodeURIComponent(v.token!)}&po=${encodeURIComponent(PAGE)}`,
      { headers: { origin: 'http://localhost:8080', host: 'localhost:8080' } },
      // Listening from the first moment: the server says hello as soon as the socket opens.
      { onInit: (socket) => void (frames = new Frames(socket)) },
    );
    return { ws, frames: frames ?? new Frames(ws) };
  }

  it('acks a message once per client id and shows it in the visitor’s other tabs', async () => {
    const v = new Visitor(t);
    await v.start();
    const tab1 = await open(v);
    const tab2 = await open(v);
    await tab1.frames.next('hello');
    const frame = { type: 'message', clientId: 'ws-client-0001', text: 'hi over the socket' };
    tab1.ws.send(JSON.stringify(frame));
    tab1.ws.send(JSON.stringify(frame));
    const ack = await tab1.frames.next('ack');
    const seenInTab2 = await tab2.frames.next('message');
    expect(seenInTab2.message.id).toBe(ack.message.id);
    await tab1.frames.next('ack', (a) => a !== ack);
    const acks = tab1.frames.seen.filter((f) => f.type === 'ack');
    expect(new Set(acks.map((a) => (a.type === 'ack' ? a.message.id : 0))).size).toBe(1);
    const stored = await t.ctx.db.selectFrom('messages').select('id').where('text', '=', 'hi over the socket').execute();
    expect(stored).toHaveLength(1);
    tab1.ws.terminate();
    tab2.ws.terminate();
  });

  it('delivers an agent reply to every open tab through the outbox, never an internal note', async () => {
    const v = new Visitor(t);
    await v.start();
    const sent = await v.send('where is my parcel?');
    const ticketId = await ticketOf(sent);
    const tab1 = await open(v);
    const tab2 = await open(v);
    const admin = { id: t.admin.agentId, name: 'Admin', role: 'admin' as const };
    await postMessage(t.ctx, admin, ticketId, { kind: 'note', text: 'internal: customer is grumpy' });
    await postMessage(t.ctx, admin, ticketId, { kind: 'reply', text: 'It ships today.' });
    const [a, b] = await Promise.all([tab1.frames.next('message'), tab2.frames.next('message')]);
    expect(a.message.text).toBe('It ships today.');
    expect(a.message.author.kind).toBe('agent');
    expect(b.message.id).toBe(a.message.id);
    const history = await v.call('GET', '/messages');
    const texts = history.json<{ items: Array<{ text: string }> }>().items.map((m) => m.text);
    expect(texts).toEqual(['where is my parcel?', 'It ships today.']);
    expect(texts).not.toContain('internal: customer is grumpy');
    tab1.ws.terminate();
    tab2.ws.terminate();
  });

  it('keeps a reply for a visitor with no open tab and shows it on the next visit', async () => {
    const v = new Visitor(t);
    await v.start();
    const sent = await v.send('anyone there?');
    const ticketId = await ticketOf(sent);
    const admin = { id: t.admin.agentId, name: 'Admin', role: 'admin' as const };
    const { message } = await postMessage(t.ctx, admin, ticketId, { kind: 'reply', text: 'Yes, we are here.' });
    await new Promise<void>((resolve) => {
      const off = t.ctx.bus.on('message.updated', (e) => {
        if (e.message.id === message.id) {
          off();
          resolve();
        }
      });
    });
    const history = await v.call('GET', '/messages');
    expect(history.json<{ items: Array<{ text: string }> }>().items.map((m) => m.text)).toContain('Yes, we are here.');
  });

  it('counts open visitor sockets in /metrics', async () => {
    const gauge = async () => {
      const res = await t.app.inject({ method: 'GET', url: '/metrics' });
      return Number(/kefu_websockets_open\{hub="widget"\} (\d+)/.exec(res.body)?.[1] ?? 0);
    };
    const before = await gauge();
    const v = new Visitor(t);
    await v.start();
    const tab = await open(v);
    await tab.frames.next('hello');
    expect(await gauge()).toBe(before + 1);
    tab.ws.terminate();
    await expect.poll(gauge).toBe(before);
  });

  it('refuses a socket without a valid token before the upgrade', async () => {
    await expect(t.app.injectWS('/api/v1/widget/website/ws?vt=v1.website.x.1.bad', { headers: { origin: PAGE } })).rejects.toThrow();
  });

  it('tells agents when the visitor types, and agents see the visitor read their reply', async () => {
    const v = new Visitor(t);
    await v.start();
    await v.send('typing test');
    let agentFrames: Frames<AgentFrame> | undefined;
    const agent = await t.app.injectWS('/api/v1/ws', { headers: { cookie: t.admin.cookie } }, { onInit: (s) => void (agentFrames = new Frames<AgentFrame>(s)) });
    await agentFrames!.next('hello');
    const tab = await open(v);
    await tab.frames.next('hello');
    tab.ws.send(JSON.stringify({ type: 'typing', typing: true }));
    const typing = await agentFrames!.next('customer', (f) => f.typing !== undefined);
    expect(typing.typing).toBe(true);
    tab.ws.send(JSON.stringify({ type: 'read' }));
    const read = await agentFrames!.next('customer', (f) => f.readAt !== undefined);
    expect(read.ticketId).toBe(typing.ticketId);
    // Keystroke signals are live only: nothing about them was written to the replay journal.
    const journaled = await t.ctx.db.selectFrom('realtime_events').select('type').where('type', 'in', ['widget.typing', 'widget.read']).execute();
    expect(journaled).toEqual([]);
    agent.terminate();
    tab.ws.terminate();
  });

  it('shows the visitor an agent replying (never writing a note) and marks their messages read when the agent opens the ticket', async () => {
    const v = new Visitor(t);
    await v.start();
    const sent = await v.send('anyone there?');
    const ticketId = await ticketOf(sent);
    const tab = await open(v);
    await tab.frames.next('hello');
    let agentFrames: Frames<AgentFrame> | undefined;
    const agent = await t.app.injectWS('/api/v1/ws', { headers: { cookie: t.admin.cookie } }, { onInit: (s) => void (agentFrames = new Frames<AgentFrame>(s)) });
    await agentFrames!.next('hello');

    agent.send(JSON.stringify({ type: 'view', ticketId }));
    const read = await tab.frames.next('conversation', (f) => f.conversation.agentReadAt !== null);
    expect(Date.parse(read.conversation.agentReadAt as string)).toBeGreaterThan(0);

    agent.send(JSON.stringify({ type: 'typing', ticketId, composing: 'reply' }));
    const typing = await tab.frames.next('typing', (f) => f.typing);
    const admin = await t.ctx.db.selectFrom('agents').select('name').where('id', '=', t.admin.agentId).executeTakeFirstOrThrow();
    expect(typing.name).toBe(admin.name);

    agent.send(JSON.stringify({ type: 'typing', ticketId, composing: 'note' }));
    const stopped = await tab.frames.next('typing', (f) => !f.typing && tab.frames.seen.indexOf(f) > tab.frames.seen.indexOf(typing));
    expect(stopped.name).toBeNull();
    agent.terminate();
    tab.ws.terminate();
  });

  // Each of these threw inside the socket listener and ended the whole process.
  it.each([
    ['a short client id', { type: 'message', clientId: 'abc', text: 'hello' }, 'bad_request'],
    ['whitespace-only text', { type: 'message', clientId: 'ws-blank-0001', text: '   \n\t ' }, 'message_empty'],
    ['text over the limit', { type: 'message', clientId: 'ws-long-00001', text: 'x'.repeat(200_000) }, 'message_too_long'],
    ['eleven upload ids', { type: 'message', clientId: 'ws-files-0001', text: 'pics', uploadIds: Array.from({ length: 11 }, (_, i) => `u${i}`) }, 'bad_request'],
  ])('answers a message frame with %s by an error frame and keeps serving', async (_what, frame, code) => {
    const v = new Visitor(t);
    await v.start();
    const tab = await open(v);
    await tab.frames.next('hello');
    tab.ws.send(JSON.stringify(frame));
    const error = await tab.frames.next('error');
    expect(error).toMatchObject({ code, clientId: frame.clientId });
    // The same socket still works afterwards, so nothing was torn down.
    tab.ws.send(JSON.stringify({ type: 'ping' }));
    await tab.frames.next('pong');
    tab.ws.terminate();
  });

  it('answers unreadable frames with bad_frame', async () => {
    const v = new Visitor(t);
    await v.start();
    const tab = await open(v);
    await tab.frames.next('hello');
    for (const raw of ['not json', 'null', '42', '{"type":"message","clientId":5}', '{"type":"nope"}']) tab.ws.send(raw);
    await tab.frames.next('error', (f) => f.code === 'bad_frame');
    tab.ws.send(JSON.stringify({ type: 'ping' }));
    await tab.frames.next('pong');
    expect(tab.frames.seen.filter((f) => f.type === 'error')).toHaveLength(5);
    tab.ws.terminate();
  });
});
