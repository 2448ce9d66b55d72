import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { sweepSla } from '../../../../server/modules/sla/escalation.js';
import { createTestApp, type Session, type TestApp } from '../../../helpers/app.js';
import { FrameLog } from '../../realtime/ws-client.js';
import { as, inboundTicket } from '../../tickets/fixtures.js';

let t: TestApp;
let watcher: Session;
let other: Session;
const sockets: WebSocket[] = [];

async function connect(session: Session): Promise<FrameLog> {
  let log: FrameLog | undefined;
  const ws = await t.app.injectWS('/api/v1/ws', { headers: { cookie: session.cookie } }, { onInit: (socket) => (log = new FrameLog(socket)) });
  sockets.push(ws);
  if (!log) throw new Error('injectWS did not call onInit');
  await log.next((f) => f.type === 'hello');
  return log;
}

beforeAll(async () => {
  t = await createTestApp();
  watcher = await t.signIn('agent');
  other = await t.signIn('agent');
  const res = await as(t, t.admin).post('/sla-policies', {
    name: 'Watched',
    conditions: { all: [] },
    targets: { firstResponseMinutes: 30 },
    escalation: { warning: [], breach: [{ type: 'notify', to: 'agents', agentIds: [watcher.agentId] }] },
  });
  expect(res.status).toBe(201);
});
afterAll(async () => {
  for (const ws of sockets) ws.terminate();
  await t.close();
});

describe('SLA notifications', () => {
  it('reach the named agent live over the agent websocket, and nobody else', async () => {
    const mine = await connect(watcher);
    const theirs = await connect(other);
    const { ticketId, number } = await inboundTicket(t);
    await sweepSla(t.ctx, Date.now() + 31 * 60_000);
    const frame = await mine.next((f) => f.type === 'notification');
    expect(frame).toMatchObject({ notification: { kind: 'sla.breach', ticketId, ticketNumber: number, target: 'first_response' } });
    await theirs.settle();
    expect(theirs.frames.some((f) => f.type === 'notification')).toBe(false);
  });
});
