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

describe('widget queue position', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await widgetApp();
    await setDefault(t, { mode: 'round_robin', capacity: { chat: 1 } });
    setPresence(t, t.admin.agentId, 'online');
  });
  afterAll(async () => {
    await t.close();
  });

  async function chat(text: string): Promise<{ ws: WebSocket; frames: QueueFrames; ticketId: number }> {
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
    return { ws, frames: frames ?? new QueueFrames(ws), ticketId: row.ticket_id! };
  }

  it('tells each waiting visitor their place and wait, moves them up, and clears it once assigned', async () => {
    const first = await chat('I get the only free seat');
    // History: that chat is on record as assigned three minutes after it came in.
    const created = await t.ctx.db.selectFrom('tickets').select('created_at').where('id', '=', first.ticketId).executeTakeFirstOrThrow();
    await t.ctx.db.updateTable('assignment_tickets').set({ assigned_at: created.created_at + 3 * 60_000 }).where('ticket_id', '=', first.ticketId).execute();
    const second = await chat('I wait first');
    const third = await chat('I wait second');

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
