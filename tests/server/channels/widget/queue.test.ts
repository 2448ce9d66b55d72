import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { TestApp } from '../../../helpers/app.js';
import type { ServerFrame } from '../../../../server/channels/widget/protocol.js';
import { assignerOf } from '../../../../server/modules/assignment/assigner.js';
import { setDefault, setPresence } from '../../assignment/helpers.js';
import { PAGE, Visitor, widgetApp } from './helpers.js';

type QueueFrame = Extract<ServerFrame, { type: 'queue' }>;

/** Queue frames from one socket, awaited by predicate so no test sleeps. */
class QueueFrames {
  readonly seen: QueueFrame[] = [];
  #waiters: Array<{ match: (f: QueueFrame) => boolean; resolve: (f: QueueFrame) => void }> = [];

  constructor(ws: WebSocket) {
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as ServerFrame;
      if (frame.type !== 'queue') return;
      this.seen.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
  }

  next(match: (f: QueueFrame) => boolean): Promise<QueueFrame> {
    const found = this.seen.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }
}

/** One agent, online, who takes one chat at a time: the second chat waits. */
function oneSeat(): { get: () => TestApp } {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp();
    await setDefault(t, { mode: 'round_robin', capacity: { chat: 1 } });
    setPresence(t, t.admin.agentId, 'online');
  });
  afterAll(async () => {
    await t.close();
  });
  return { get: () => t };
}

async function chat(t: TestApp, text: string): Promise<{ ws: WebSocket; frames: QueueFrames; ticketId: number; visitor: Visitor }> {
  const v = new Visitor(t);
  await v.start();
  let frames: QueueFrames | undefined;
  const ws = await t.app.injectWS(
    `/api/v1/widget/website/ws?vt=${encodeURIComponent(v.token!)}&po=${encodeURIComponent(PAGE)}`,
    { headers: { origin: 'http://localhost:8080', host: 'localhost:8080' } },
    { onInit: (socket) => void (frames = new QueueFrames(socket)) },
  );
  const sent = await v.send(text);
  await assignerOf(t.ctx).idle();
  const conversationId = sent.json<{ message: { conversationId: string } }>().message.conversationId;
  const row = await t.ctx.db.selectFrom('widget_conversations').select('ticket_id').where('id', '=', conversationId).executeTakeFirstOrThrow();
  return { ws, frames: frames ?? new QueueFrames(ws), ticketId: row.ticket_id!, visitor: v };
}

type HelloFrame = Extract<ServerFrame, { type: 'hello' }>;

/** A page reload: the same visitor opens a new socket; resolves with its first frame, the hello. */
async function reconnect(t: TestApp, v: Visitor): Promise<{ ws: WebSocket; hello: HelloFrame }> {
  let first: Promise<HelloFrame> | undefined;
  const ws = await t.app.injectWS(
    `/api/v1/widget/website/ws?vt=${encodeURIComponent(v.token!)}&po=${encodeURIComponent(PAGE)}`,
    { headers: { origin: 'http://localhost:8080', host: 'localhost:8080' } },
    { onInit: (socket) => void (first = new Promise((resolve) => socket.once('message', (raw) => resolve(JSON.parse(String(raw)) as HelloFrame)))) },
  );
  if (!first) throw new Error('no socket');
  return { ws, hello: await first };
}

describe('queue length for agents', () => {
  const app = oneSeat();


  it('tells agents the length of the queue as it changes', async () => {
    const t = app.get();
    const lengths: Array<{ teamId: number | null; length: number }> = [];
    let seen: (() => void) | undefined;
    const agent = await t.app.injectWS('/api/v1/ws', { headers: { cookie: t.admin.cookie } }, {
      onInit: (s) =>
        void s.on('message', (raw) => {
          const f = JSON.parse(String(raw)) as { type: string; teamId: number | null; length: number };
          if (f.type !== 'queue') return;
          lengths.push({ teamId: f.teamId, length: f.length });
          seen?.();
        }),
    });
    // Each change announces a length, and on PostgreSQL they may come in a different number of
    // frames: wait until the latest one says `length`.
    const untilLength = (length: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`queue lengths: ${JSON.stringify(lengths)}`)), 5_000);
        seen = () => {
          if (lengths.at(-1)?.length !== length) return;
          clearTimeout(timer);
          resolve();
        };
        seen();
      });
    const seat = await chat(t, 'agent queue: seated');
    const waiting = await chat(t, 'agent queue: waiting');
    await untilLength(1);
    expect(lengths.at(-1)).toEqual({ teamId: null, length: 1 });
    await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${seat.ticketId}`, headers: t.admin.headers, payload: { status: 'resolved' } });
    await assignerOf(t.ctx).idle();
    await untilLength(0);
    expect(lengths.at(-1)).toEqual({ teamId: null, length: 0 });
    for (const c of [seat, waiting, { ws: agent }]) c.ws.terminate();
  });

});

describe('widget queue position', () => {
  const app = oneSeat();

  it('tells each waiting visitor their place and wait, moves them up, and clears it once assigned', async () => {
    const t = app.get();
    const first = await chat(t, 'I get the only free seat');
    // History: that chat is on record as assigned three minutes after it came in.
    const created = await t.ctx.db.selectFrom('tickets').select('created_at').where('id', '=', first.ticketId).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('assignment_tickets').set({ assigned_at: created.created_at + 3 * 60_000 }).where('ticket_id', '=', first.ticketId).execute();
    const second = await chat(t, 'I wait first');
    const third = await chat(t, 'I wait second');

    const a = await second.frames.next((f) => f.position === 1);
    const b = await third.frames.next((f) => f.position === 2);
    // Place times the team's recent mean time to assignment.
    expect(a.waitMinutes).toBe(3);
    expect(b.waitMinutes).toBe(6);
    expect(first.frames.seen.filter((f) => f.position !== null)).toEqual([]);

    // The agent resolves their chat: the next waiting chat takes the seat, the one behind moves up.
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/tickets/${first.ticketId}`, headers: t.admin.headers, payload: { status: 'resolved' } });
    expect(res.statusCode).toBe(200);
    await assignerOf(t.ctx).idle();
    await second.frames.next((f) => f.position === null);
    const moved = await third.frames.next((f) => f.position === 1);
    expect(moved.waitMinutes).toBeGreaterThanOrEqual(1);
    const assignee = await t.ctx.db.selectFrom('tickets').select('assignee_id').where('id', '=', second.ticketId).executeTakeFirstOrThrow();
    expect(assignee.assignee_id).toBe(t.admin.agentId);

    for (const c of [first, second, third]) c.ws.terminate();
  });
});

describe('widget queue position after a reload', () => {
  const app = oneSeat();

  it('after a page reload, the hello carries the place and wait of a chat still waiting, and none for a seated one', async () => {
    const t = app.get();
    const seated = await chat(t, 'reload: seated');
    const waiting = await chat(t, 'reload: waiting');
    const live = await waiting.frames.next((f) => f.position === 1);
    seated.ws.terminate();
    waiting.ws.terminate();

    const again = await reconnect(t, waiting.visitor);
    expect(again.hello.type).toBe('hello');
    expect(again.hello.queue).toEqual({ position: 1, waitMinutes: live.waitMinutes });
    const seatedAgain = await reconnect(t, seated.visitor);
    expect(seatedAgain.hello.queue).toBeNull();

    for (const c of [again, seatedAgain]) c.ws.terminate();
  });
});
